using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Ends one of a customer's relationships, reading it fresh first (<see cref="RelationshipEnding"/> decides), and writes
/// what was done to the operations audit. Safe to run again: a termination already asked for is not asked twice, and one
/// under way reads as "already ending".
/// </summary>
/// <param name="relationships">The partner's relationships.</param>
/// <param name="audit">The partner-wide audit.</param>
/// <param name="time">The clock.</param>
public sealed class EndRelationshipActivity(IGdapRelationships relationships, IOperationsAudit audit, TimeProvider time)
    : TaskActivity<RelationshipEndingTarget, EndedRelationship>
{
    /// <inheritdoc />
    public override async Task<EndedRelationship> RunAsync(TaskActivityContext context, RelationshipEndingTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        RelationshipId id = RelationshipId.Parse(target.RelationshipId);
        RelationshipSnapshot? found = await relationships.GetAsync(id, CancellationToken.None);
        EndedRelationship? result = RelationshipEnding.LeftAlone(target, found);
        if (result is null)
        {
            await relationships.TerminateAsync(id, CancellationToken.None);
            result = new EndedRelationship(id.Value, found!.DisplayName, RelationshipEndingOutcomes.TerminationRequested, "Microsoft deprovisions it (terminating, then terminated).");
        }

        await audit.RecordAsync(
            target.PartnerTenantId,
            new OperationsAuditEntry(time.GetUtcNow(), target.Actor, $"relationship.{result.Outcome}", id.Value, $"{result.DisplayName}: {target.Why} {result.Message}"),
            CancellationToken.None);
        return result;
    }
}
