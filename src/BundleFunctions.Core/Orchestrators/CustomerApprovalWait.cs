using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// The wait for the customer's approval: the Partner Center webhook's event races polling, and whichever sees the approval
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
    public async Task<(StepResult Result, string? SeenBy)> UntilApprovedAsync(
        string relationshipId, Polling timing, WaitState? carried, Func<Task<RelationshipStatus?>> status, Func<WaitState, OnboardingOutcome> continueAsNew)
    {
        if (carried is null)
        {
            await journal.StartAsync(OnboardingStep.AwaitCustomerApproval, OnboardingStatus.WaitingForCustomer);
        }

        WaitState wait = carried ?? polling.Begin(timing);
        journal.Show(OnboardingStatus.WaitingForCustomer, "customer approval", wait.DeadlineUtc);
        for (int round = 0; round < DurablePolling.ChecksPerExecution; round++)
        {
            Wakeup woke = await context.WhenFirstAsync(polling.NextCheck(wait), Approved, OperatorProtocol.Cancelling);
            if (woke.Is(OperatorProtocol.Cancelling))
            {
                return (StepResult.End(await operators.CancelledAsync(woke.PayloadAs<OperatorDecision>())), null);
            }

            if (woke.Is(Approved))
            {
                RelationshipApproved approved = woke.PayloadAs<RelationshipApproved>();
                if (string.Equals(approved.RelationshipId, relationshipId, StringComparison.OrdinalIgnoreCase))
                {
                    return (StepResult.Next, approved.Source.Describe());
                }

                continue; // another relationship's event: keep waiting
            }

            wait = wait with { Polls = wait.Polls + 1 };
            RelationshipStatus? seen = await status();
            if (seen is RelationshipStatus.Active or RelationshipStatus.Approved or RelationshipStatus.Activating)
            {
                return (StepResult.Next, $"polling after {wait.Polls} checks");
            }

            if (seen is not (RelationshipStatus.ApprovalPending or RelationshipStatus.Created))
            {
                return (StepFailures.EndedBeforeApproval(seen), null);
            }

            if (context.CurrentUtcDateTime >= wait.DeadlineUtc)
            {
                return (StepFailures.ApprovalExpired(timing.Timeout), null);
            }

            wait = wait with { Interval = timing.After(wait.Interval) };
        }

        return (StepResult.End(continueAsNew(wait)), null);
    }
}
