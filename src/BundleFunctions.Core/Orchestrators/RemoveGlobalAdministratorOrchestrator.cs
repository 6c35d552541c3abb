using BundleFunctions.Activities;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// Removes Global Administrator from the named relationships (or every active one that includes it), a few at a time,
/// surviving the caller disconnecting and the host restarting. Its custom status is the report so far; its output the
/// whole report. A relationship Microsoft keeps refusing to answer for is reported failed, and the run goes on.
/// </summary>
public sealed class RemoveGlobalAdministratorOrchestrator : TaskOrchestrator<GlobalAdministratorRemovalRequest, GlobalAdministratorRemovalReport>
{
    /// <summary>The orchestration's name.</summary>
    public const string Name = "RemoveGlobalAdministrator";

    /// <summary>How many relationships are changed at once: few, since each is several Graph calls.</summary>
    const int InParallel = 5;

    /// <inheritdoc />
    public override async Task<GlobalAdministratorRemovalReport> RunAsync(TaskOrchestrationContext context, GlobalAdministratorRemovalRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        TaskOptions options = (input.Retry ?? ActivityRetrySettings.Default).ToTaskOptions();
        IReadOnlyList<string> ids = input.RelationshipIds
            ?? await context.CallActivityAsync<IReadOnlyList<string>>(nameof(FindGlobalAdministratorRelationshipsActivity), input.PartnerTenantId, options);
        List<GlobalAdministratorRemovalResult> results = [];
        context.SetCustomStatus(new GlobalAdministratorRemovalReport(ids.Count, results));
        foreach (string[] batch in ids.Distinct().Chunk(InParallel))
        {
            results.AddRange(await Task.WhenAll(batch.Select(id => RemoveAsync(context, new GlobalAdministratorRemovalTarget(input.PartnerTenantId, id, input.Actor), options))));
            context.SetCustomStatus(new GlobalAdministratorRemovalReport(ids.Count, results));
        }

        return new GlobalAdministratorRemovalReport(ids.Count, results);
    }

    static async Task<GlobalAdministratorRemovalResult> RemoveAsync(TaskOrchestrationContext context, GlobalAdministratorRemovalTarget target, TaskOptions options)
    {
        try
        {
            return await context.CallActivityAsync<GlobalAdministratorRemovalResult>(nameof(RemoveGlobalAdministratorActivity), target, options);
        }
        catch (TaskFailedException gaveUp)
        {
            GlobalAdministratorRemovalResult failed = new(target.RelationshipId, null, null, GlobalAdministratorRemovalOutcomes.Failed, $"Gave up after the retries: {gaveUp.FailureDetails.ErrorMessage} Send the request again for this relationship.");
            await context.CallActivityAsync<bool>(
                nameof(RecordOperationActivity),
                new OperationRecord(target.PartnerTenantId, new Ports.OperationsAuditEntry(context.CurrentUtcDateTime, target.Actor, $"globalAdministrator.{failed.Outcome}", target.RelationshipId, failed.Message)),
                options);
            return failed;
        }
    }
}
