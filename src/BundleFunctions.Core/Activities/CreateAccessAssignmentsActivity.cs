using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

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
