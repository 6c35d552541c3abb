using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Reads a relationship's current state (status and roles).</summary>
/// <param name="relationships">The partner's relationships.</param>
public sealed class GetRelationshipActivity(IGdapRelationships relationships) : TaskActivity<string, RelationshipSnapshot?>
{
    /// <inheritdoc />
    public override Task<RelationshipSnapshot?> RunAsync(TaskActivityContext context, string input) =>
        relationships.GetAsync(RelationshipId.Parse(input), CancellationToken.None);
}

/// <summary>One access assignment per partner group, one role each; groups that already have a live one are skipped.</summary>
/// <param name="relationships">The partner's relationships.</param>
public sealed class CreateAccessAssignmentsActivity(IGdapRelationships relationships) : TaskActivity<AccessAssignmentPlan, AccessAssignmentSummary>
{
    /// <inheritdoc />
    public override async Task<AccessAssignmentSummary> RunAsync(TaskActivityContext context, AccessAssignmentPlan input)
    {
        ArgumentNullException.ThrowIfNull(input);
        RelationshipId relationship = RelationshipId.Parse(input.RelationshipId);

        // Read first: a rerun (or a retried activity) finds what an earlier attempt created and does not trip Graph's one-per-group rule.
        HashSet<string> covered = [.. (await relationships.ListAccessAssignmentsAsync(relationship, CancellationToken.None)).Where(a => a.IsLive).Select(a => a.GroupId)];
        int created = 0;
        foreach (RoleGroup group in input.Groups.Where(g => !covered.Contains(g.GroupId)))
        {
            await relationships.CreateAccessAssignmentAsync(relationship, group.GroupId, group.RoleTemplateId, CancellationToken.None);
            created++;
        }

        return new AccessAssignmentSummary(created, input.Groups.Count - created);
    }
}

/// <summary>How far the onboarding's access assignments have got.</summary>
/// <param name="relationships">The partner's relationships.</param>
public sealed class GetAccessAssignmentProgressActivity(IGdapRelationships relationships) : TaskActivity<AccessAssignmentPlan, AccessAssignmentProgress>
{
    /// <inheritdoc />
    public override async Task<AccessAssignmentProgress> RunAsync(TaskActivityContext context, AccessAssignmentPlan input)
    {
        ArgumentNullException.ThrowIfNull(input);
        IReadOnlyList<AccessAssignmentSnapshot> all = await relationships.ListAccessAssignmentsAsync(RelationshipId.Parse(input.RelationshipId), CancellationToken.None);
        Dictionary<string, string> statusByGroup = all
            .GroupBy(a => a.GroupId)
            .ToDictionary(g => g.Key, g => g.Select(a => a.Status).OrderBy(s => s == "active" ? 0 : s == "pending" ? 1 : 2).First());
        string StatusOf(RoleGroup g) => statusByGroup.GetValueOrDefault(g.GroupId, "missing");
        return new AccessAssignmentProgress(
            Active: input.Groups.Count(g => StatusOf(g) == "active"),
            Pending: input.Groups.Count(g => StatusOf(g) == "pending"),
            FailedRoles: [.. input.Groups.Where(g => StatusOf(g) is not ("active" or "pending")).Select(g => g.RoleTemplateId)]);
    }
}

/// <summary>The groups of one relationship that need an assignment.</summary>
/// <param name="RelationshipId">The relationship.</param>
/// <param name="Groups">Role → partner group.</param>
public sealed record AccessAssignmentPlan(string RelationshipId, IReadOnlyList<RoleGroup> Groups);

/// <summary>What <see cref="CreateAccessAssignmentsActivity"/> did.</summary>
/// <param name="Created">Assignments created now.</param>
/// <param name="AlreadyPresent">Groups that already had one.</param>
public sealed record AccessAssignmentSummary(int Created, int AlreadyPresent)
{
    /// <summary>A one-line account for the step's message.</summary>
    /// <returns>E.g. <c>12 access assignments created, 0 already present.</c>.</returns>
    public string Describe() => $"{this.Created} access assignments created, {this.AlreadyPresent} already present.";
}

/// <summary>Where the assignments stand.</summary>
/// <param name="Active">Active ones.</param>
/// <param name="Pending">Ones still pending.</param>
/// <param name="FailedRoles">Roles whose assignment is missing, in error or deleted.</param>
public sealed record AccessAssignmentProgress(int Active, int Pending, IReadOnlyList<Guid> FailedRoles);

/// <summary>Consents the partner app into the customer tenant (idempotent).</summary>
/// <param name="customers">The customer-tenant port.</param>
public sealed class ConsentApplicationActivity(ICustomerAccess customers) : TaskActivity<Guid, ConsentOutcome>
{
    /// <inheritdoc />
    public override Task<ConsentOutcome> RunAsync(TaskActivityContext context, Guid input) => customers.EnsureConsentAsync(input, CancellationToken.None);
}

/// <summary>Probes API access from inside the customer tenant.</summary>
/// <param name="customers">The customer-tenant port.</param>
public sealed class VerifyAccessActivity(ICustomerAccess customers) : TaskActivity<AccessProbeRequest, AccessReport>
{
    /// <inheritdoc />
    public override Task<AccessReport> RunAsync(TaskActivityContext context, AccessProbeRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return customers.ProbeAsync(input.CustomerTenantId, input.RoleTemplateIds, CancellationToken.None);
    }
}

/// <summary>Input of <see cref="VerifyAccessActivity"/>.</summary>
/// <param name="CustomerTenantId">The customer.</param>
/// <param name="RoleTemplateIds">The roles that must reach the customer.</param>
public sealed record AccessProbeRequest(Guid CustomerTenantId, IReadOnlyList<Guid> RoleTemplateIds);
