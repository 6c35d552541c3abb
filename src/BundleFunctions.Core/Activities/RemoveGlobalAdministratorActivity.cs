using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Takes Global Administrator out of one relationship, reading it fresh first, and writes the outcome to the operations
/// audit (whether or not anybody onboarded the customer here) and, for an onboarded customer, to its audit trail. Safe to
/// run again: a removal already under way is not asked for twice, and one already done reads as "not included".
/// </summary>
/// <param name="relationships">The partner's relationships.</param>
/// <param name="store">The onboarding store.</param>
/// <param name="audit">The partner-wide audit.</param>
/// <param name="time">The clock.</param>
public sealed class RemoveGlobalAdministratorActivity(IGdapRelationships relationships, IOnboardingStore store, IOperationsAudit audit, TimeProvider time)
    : TaskActivity<GlobalAdministratorRemovalTarget, GlobalAdministratorRemovalResult>
{
    /// <inheritdoc />
    public override async Task<GlobalAdministratorRemovalResult> RunAsync(TaskActivityContext context, GlobalAdministratorRemovalTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        RelationshipSnapshot? found = RelationshipId.TryParse(target.RelationshipId, out RelationshipId id)
            ? await relationships.GetAsync(id, CancellationToken.None)
            : null;
        GlobalAdministratorRemovalResult result = GlobalAdministratorRemoval.LeftAlone(target.RelationshipId, found) ?? await this.RemoveAsync(id, found!);

        await audit.RecordAsync(
            target.PartnerTenantId,
            new OperationsAuditEntry(time.GetUtcNow(), target.Actor, $"globalAdministrator.{result.Outcome}", target.RelationshipId, string.Join(' ', new[] { found?.DisplayName, result.Message }.Where(s => s is not null))),
            CancellationToken.None);
        if (result.Outcome == GlobalAdministratorRemovalOutcomes.RemovalStarted
            && await store.FindByRelationshipAsync(target.PartnerTenantId, target.RelationshipId, CancellationToken.None) is { } onboardingId
            && await store.GetAsync(target.PartnerTenantId, onboardingId, CancellationToken.None) is { } onboarding)
        {
            await store.ApplyAsync(new ProgressUpdate(onboarding.Subject, Message: $"Global Administrator removal started on '{found!.DisplayName}'.", Actor: target.Actor), time.GetUtcNow(), CancellationToken.None);
        }

        return result;
    }

    async Task<GlobalAdministratorRemovalResult> RemoveAsync(RelationshipId id, RelationshipSnapshot found)
    {
        try
        {
            await relationships.RemoveGlobalAdministratorAsync(id, CancellationToken.None);
            return new(id.Value, found.DisplayName, found.CustomerTenantId, GlobalAdministratorRemovalOutcomes.RemovalStarted, "Microsoft removes the role in a long-running operation; auto-extend is possible once it is gone.");
        }
        catch (StepFailedException refused)
        {
            return new(id.Value, found.DisplayName, found.CustomerTenantId, GlobalAdministratorRemovalOutcomes.Failed, refused.Message);
        }
    }
}
