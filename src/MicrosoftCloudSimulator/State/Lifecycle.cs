namespace MicrosoftCloudSimulator.State;

/// <summary>
/// Drives GDAP's timed half across the cloud: the customer's approval (played by the simulator's control API) and, on
/// every tick, each relationship's own transitions (<see cref="Relationship.Advance"/>). Run under the cloud's lock.
/// </summary>
public static class Lifecycle
{
    /// <summary>The customer's Global Administrator approves: approvalPending → approved (the rest follows on the clock).</summary>
    /// <returns>Null on success, else why the approval is refused.</returns>
    public static string? Approve(SimulatedCloud cloud, string relationshipId, Guid customerTenantId)
    {
        Relationship? r = cloud.Relationships.FirstOrDefault(x => x.Id == relationshipId);
        if (r is null)
        {
            return $"Relationship '{relationshipId}' does not exist.";
        }

        if (!cloud.Tenants.TryGetValue(customerTenantId, out Tenant? customer) || customer.IsPartner)
        {
            return $"Customer tenant '{customerTenantId}' does not exist.";
        }

        if (r.Approve(customer, cloud.Clock.UtcNow) is { } refused)
        {
            return refused;
        }

        cloud.Raise("granular-admin-relationship-approved", r.WebhookResource);
        return null;
    }

    /// <summary>Applies every transition that is due at the simulated now.</summary>
    public static void Tick(SimulatedCloud cloud)
    {
        DateTimeOffset now = cloud.Clock.UtcNow;
        Hosting.SimulatorOptions o = cloud.Options;
        GdapTimings timings = new(o.ApprovalRequestLifetime, o.ApprovedToActivating, o.ActivatingToActive, o.AssignmentActivation, o.Deprovisioning, o.LockDuration, o.OperationDuration);
        foreach (Relationship r in cloud.Relationships)
        {
            r.Advance(now, timings, cloud.Raise);
        }
    }
}
