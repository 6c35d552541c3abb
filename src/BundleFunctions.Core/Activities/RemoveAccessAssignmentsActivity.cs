using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Takes every partner group's access away in one of a customer's relationships — its live access assignments are deleted —
/// and leaves the relationship itself, so access can be given back without a new request to the customer. Reads it fresh
/// first (<see cref="RelationshipEnding"/> decides and audits, as for a termination). Safe to run again: an assignment
/// already deleting or deleted is left alone.
/// </summary>
/// <param name="relationships">The partner's relationships.</param>
/// <param name="audit">The partner-wide audit.</param>
/// <param name="time">The clock.</param>
public sealed class RemoveAccessAssignmentsActivity(IGdapRelationships relationships, IOperationsAudit audit, TimeProvider time)
    : TaskActivity<RelationshipEndingTarget, EndedRelationship>
{
    /// <inheritdoc />
    public override Task<EndedRelationship> RunAsync(TaskActivityContext context, RelationshipEndingTarget target) =>
        RelationshipEnding.EndAsync(target, relationships, audit, time, async (id, found) =>
        {
            AccessAssignmentSnapshot[] live = [.. (await relationships.ListAccessAssignmentsAsync(id, CancellationToken.None)).Where(a => a.IsLive)];
            foreach (AccessAssignmentSnapshot assignment in live)
            {
                await relationships.DeleteAccessAssignmentAsync(id, assignment.Id, CancellationToken.None);
            }

            string until = found.EndDateTime is { } end ? $" until {end.UtcDateTime:yyyy-MM-dd}" : string.Empty;
            return new EndedRelationship(id.Value, found.DisplayName, RelationshipEndingOutcomes.AccessRemoved, $"{live.Length} access assignment(s) deleted; the relationship stays{until}.");
        });
}
