using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

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

/// <summary>Where the assignments stand.</summary>
/// <param name="Active">Active ones.</param>
/// <param name="Pending">Ones still pending.</param>
/// <param name="FailedRoles">Roles whose assignment is missing, in error or deleted.</param>
public sealed record AccessAssignmentProgress(int Active, int Pending, IReadOnlyList<Guid> FailedRoles);
