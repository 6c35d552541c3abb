using BundleFunctions.Activities;
using BundleFunctions.Batches;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// Brings a list of customers under management: starts their onboardings a few at a time — no more than
/// <see cref="OnboardingBatchInput.Concurrency"/> in their first, Microsoft-heavy steps at once, where onboardings compete for
/// the partner groups, relationship names and the partner's throttling budget — and admits the next as places free up.
/// Waiting for a customer's approval frees a place, so a batch of a thousand is not paced by its slowest customer. Each
/// onboarding is the ordinary one (its own instance, status, retry and cancel); a customer that already has one is left
/// alone. The batch ends when every customer is admitted and none holds a place, or when an operator cancels it (the
/// onboardings it started go on). Its custom status is the counts so far, its output the per-customer report;
/// <c>ContinueAsNew</c> keeps its history short.
/// </summary>
public sealed class OnboardingBatchOrchestrator : TaskOrchestrator<OnboardingBatchInput, OnboardingBatchReport>
{
    /// <summary>The orchestration's name.</summary>
    public const string Name = "OnboardingBatch";

    /// <summary>The external event that cancels the batch.</summary>
    public const string CancelEvent = "CancelBatch";

    /// <summary>Rounds (an admission or a look at the onboardings) per execution before <c>ContinueAsNew</c>.</summary>
    const int RoundsPerExecution = 25;

    /// <inheritdoc />
    public override async Task<OnboardingBatchReport> RunAsync(TaskOrchestrationContext context, OnboardingBatchInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        TaskOptions options = ActivityRetrySettings.Default.ToTaskOptions();
        List<BatchItemResult> results = [.. input.Results ?? input.Requests.Select(r => new BatchItemResult(r.CustomerTenantId, OnboardingId.For(input.PartnerTenantId, r.CustomerTenantId), BatchItemOutcome.Pending))];
        List<string> busy = [.. input.Busy ?? []];
        Task<string> cancel = context.WaitForExternalEvent<string>(CancelEvent);
        OnboardingBatchReport Report(bool cancelled) => new(results.Count, cancelled, results);
        OnboardingBatchProgress Progress() => new(
            results.Count,
            results.Count(r => r.Outcome == BatchItemOutcome.Started),
            results.Count(r => r.Outcome == BatchItemOutcome.AlreadyHadOnboarding),
            results.Count(r => r.Outcome == BatchItemOutcome.Pending),
            busy.Count);

        for (int round = 0; round < RoundsPerExecution; round++)
        {
            context.SetCustomStatus(Progress());
            if (cancel.IsCompleted)
            {
                return Report(cancelled: true);
            }

            int[] pending = [.. results.Select((r, i) => (r, i)).Where(x => x.r.Outcome == BatchItemOutcome.Pending).Select(x => x.i)];
            if (pending.Length == 0 && busy.Count == 0)
            {
                return Report(cancelled: false);
            }

            int free = input.Concurrency - busy.Count;
            if (pending.Length > 0 && free > 0)
            {
                int[] admitted = [.. pending.Take(free)];
                IReadOnlyList<BatchItemResult> started = await context.CallActivityAsync<IReadOnlyList<BatchItemResult>>(
                    nameof(StartBatchOnboardingsActivity), new BatchAdmission([.. admitted.Select(i => input.Requests[i])], input.Actor), options);
                for (int k = 0; k < admitted.Length; k++)
                {
                    results[admitted[k]] = started[k];
                }

                busy.AddRange(started.Where(s => s.Outcome == BatchItemOutcome.Started).Select(s => s.OnboardingId));
                continue;
            }

            using CancellationTokenSource stopTimer = new();
            if (await Task.WhenAny(context.CreateTimer(input.Poll, stopTimer.Token), cancel) == cancel)
            {
                await stopTimer.CancelAsync();
                return Report(cancelled: true);
            }

            IReadOnlyList<OnboardingPhase> phases = await context.CallActivityAsync<IReadOnlyList<OnboardingPhase>>(
                nameof(ReadOnboardingPhasesActivity), new OnboardingPhaseQuery(input.PartnerTenantId, busy), options);
            busy = [.. phases.Where(p => p.HoldsAPlace).Select(p => p.OnboardingId)];
        }

        context.ContinueAsNew(input with { Results = results, Busy = busy }, preserveUnprocessedEvents: true);
        return Report(cancelled: false);
    }
}
