namespace MicrosoftCloudSimulator.State;

/// <summary>What GDAP grants: partner groups → roles in a customer tenant, through active assignments of active relationships.</summary>
public static class GdapAccess
{
    /// <summary>Active assignments that have propagated to a customer: (partner group, roles).</summary>
    public static IEnumerable<(Guid GroupId, IReadOnlyList<Guid> Roles)> ActiveGrants(SimulatedCloud cloud, Guid customerTenantId) =>
        cloud.Relationships
            .Where(r => r.Status == RelationshipStatuses.Active && r.CustomerTenantId == customerTenantId)
            .SelectMany(r => r.AccessAssignments.Where(a => a.Status == AssignmentStatuses.Active && cloud.Clock.UtcNow - a.StatusSince >= cloud.Faults.PropagationDelay)
                .Select(a => (a.GroupId, (IReadOnlyList<Guid>)[.. a.Roles.Intersect(r.Roles)])));

    /// <summary>The roles a partner user holds in a customer tenant through GDAP.</summary>
    public static IReadOnlyList<Guid> RolesOf(SimulatedCloud cloud, Guid partnerUserId, Guid customerTenantId) =>
        [.. ActiveGrants(cloud, customerTenantId)
            .Where(g => cloud.Partner.Groups.TryGetValue(g.GroupId, out Group? group) && group.Members.Contains(partnerUserId))
            .SelectMany(g => g.Roles)
            .Distinct()];

    /// <summary>Whether a partner user may act for customers: an Admin Agent (member of AdminAgents) with MFA enforced.</summary>
    public static bool IsMfaAdminAgent(SimulatedCloud cloud, Guid partnerUserId) =>
        cloud.Partner.Groups.Values.FirstOrDefault(g => g.DisplayName == "AdminAgents")?.Members.Contains(partnerUserId) == true
        && cloud.Partner.Users.TryGetValue(partnerUserId, out User? user) && user.MfaEnforced;

    /// <summary>The first enabled Conditional Access policy of the customer that would block partner users, if any.</summary>
    public static ConditionalAccessPolicy? BlockingPolicy(SimulatedCloud cloud, Guid customerTenantId) =>
        cloud.Tenants.TryGetValue(customerTenantId, out Tenant? customer)
            ? customer.Policies.Values.FirstOrDefault(p => p.Blocks(cloud.Partner.Id))
            : null;
}
