using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// The wait for the customer's answer — a GDAP relationship's approval, or the admin consent of the enterprise-app path:
/// the event that reports it (Partner Center's webhook, the consent callback) races polling, and whichever sees the answer
/// first wins. Polls back off (e.g. 1 min doubling to 30 min) on durable timers, and the execution continues as new every
/// <see cref="DurablePolling.ChecksPerExecution"/> polls or stray events, so a customer who takes 90 days costs a short
/// history. The only wait that is the customer's: the onboarding shows it is waiting for the customer.
/// </summary>
internal sealed class CustomerApprovalWait(TaskOrchestrationContext context, DurablePolling polling, OperatorProtocol operators, OnboardingJournal journal)
{
    static readonly AwaitedEvent Approved = AwaitedEvent.Of<RelationshipApproved>(OnboardingEvents.RelationshipApproved);

    /// <summary>Waits until <paramref name="relationshipId"/> is approved; says who saw it.</summary>
    /// <param name="relationshipId">The relationship the customer was asked to approve.</param>
    /// <param name="timing">Back-off and the approval deadline.</param>
    /// <param name="carried">The wait an earlier execution was in, if any.</param>
    /// <param name="status">One poll of the relationship's status (<see langword="null"/> when it is gone).</param>
    /// <param name="continueAsNew">Ends this execution carrying the wait.</param>
    public Task<(StepResult Result, string? SeenBy)> UntilApprovedAsync(
        string relationshipId, Polling timing, WaitState? carried, Func<Task<RelationshipStatus?>> status, Func<WaitState, OnboardingOutcome> continueAsNew) =>
        this.UntilAnsweredAsync<RelationshipApproved>(
            "customer approval",
            Approved,
            approved => string.Equals(approved.RelationshipId, relationshipId, StringComparison.OrdinalIgnoreCase) ? new(StepResult.Next, approved.Source.Describe()) : null,
            async polls => await status() switch
            {
                RelationshipStatus.Active or RelationshipStatus.Approved or RelationshipStatus.Activating => new(StepResult.Next, $"polling after {polls} checks"),
                RelationshipStatus.ApprovalPending or RelationshipStatus.Created => null,
                var seen => new(StepFailures.EndedBeforeApproval(seen), null),
            },
            timing,
            carried,
            () => StepFailures.ApprovalExpired(timing.Timeout),
            continueAsNew);

    /// <summary>Waits until the customer answers, by <paramref name="answered"/> or as <paramref name="poll"/> finds; says who saw it.</summary>
    /// <typeparam name="TAnswer">The answering event's payload.</typeparam>
    /// <param name="waitingFor">What the onboarding shows it waits for.</param>
    /// <param name="answered">The event that reports the answer.</param>
    /// <param name="judge">The answer an event gives; <see langword="null"/> for an event that is not this wait's (keep waiting).</param>
    /// <param name="poll">One poll, given the checks made so far; <see langword="null"/> while there is no answer.</param>
    /// <param name="timing">Back-off and the deadline.</param>
    /// <param name="carried">The wait an earlier execution was in, if any.</param>
    /// <param name="expired">The failure once the deadline passed.</param>
    /// <param name="continueAsNew">Ends this execution carrying the wait.</param>
    public async Task<(StepResult Result, string? SeenBy)> UntilAnsweredAsync<TAnswer>(
        string waitingFor,
        AwaitedEvent answered,
        Func<TAnswer, CustomerAnswer?> judge,
        Func<int, Task<CustomerAnswer?>> poll,
        Polling timing,
        WaitState? carried,
        Func<StepFailure> expired,
        Func<WaitState, OnboardingOutcome> continueAsNew)
    {
        if (carried is null)
        {
            await journal.StartAsync(journal.Step, OnboardingStatus.WaitingForCustomer);
        }

        WaitState wait = carried ?? polling.Begin(timing);
        journal.Show(OnboardingStatus.WaitingForCustomer, waitingFor, wait.DeadlineUtc);
        for (int round = 0; round < DurablePolling.ChecksPerExecution; round++)
        {
            Wakeup woke = await context.WhenFirstAsync(polling.NextCheck(wait), answered, OperatorProtocol.Cancelling);
            if (woke.Is(OperatorProtocol.Cancelling))
            {
                return (StepResult.End(await operators.CancelledAsync(woke.PayloadAs<OperatorDecision>())), null);
            }

            if (woke.Is(answered))
            {
                if (judge(woke.PayloadAs<TAnswer>()) is { } given)
                {
                    return (given.Result, given.SeenBy);
                }

                continue; // another relationship's or link's event: keep waiting
            }

            wait = wait with { Polls = wait.Polls + 1 };
            if (await poll(wait.Polls) is { } seen)
            {
                return (seen.Result, seen.SeenBy);
            }

            if (context.CurrentUtcDateTime >= wait.DeadlineUtc)
            {
                return (expired(), null);
            }

            wait = wait with { Interval = timing.After(wait.Interval) };
        }

        return (StepResult.End(continueAsNew(wait)), null);
    }
}

/// <summary>The customer's answer as one wake-up saw it: go on (and who saw it), or the step's failure.</summary>
/// <param name="Result">Next, or the failure.</param>
/// <param name="SeenBy">Who saw the answer (webhook, callback, polling), when it lets the onboarding go on.</param>
internal sealed record CustomerAnswer(StepResult Result, string? SeenBy);
