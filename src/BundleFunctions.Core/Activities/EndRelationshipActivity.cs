using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Terminates one of a customer's relationships, reading it fresh first (<see cref="RelationshipEnding"/> decides and
/// audits). Safe to run again: a termination already asked for is not asked twice, and one under way reads as "already
/// ending".
/// </summary>
/// <param name="relationships">The partner's relationships.</param>
/// <param name="audit">The partner-wide audit.</param>
/// <param name="time">The clock.</param>
public sealed class EndRelationshipActivity(IGdapRelationships relationships, IOperationsAudit audit, TimeProvider time)
    : TaskActivity<RelationshipEndingTarget, EndedRelationship>
{
    /// <inheritdoc />
    public override Task<EndedRelationship> RunAsync(TaskActivityContext context, RelationshipEndingTarget target) =>
        RelationshipEnding.EndAsync(target, relationships, audit, time, async (id, found) =>
        {
            await relationships.TerminateAsync(id, CancellationToken.None);
            return new EndedRelationship(id.Value, found.DisplayName, RelationshipEndingOutcomes.TerminationRequested, "Microsoft deprovisions it (terminating, then terminated).");
        });
}
