using BundleFunctions.Onboarding;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>One check of a wait: done (with the step's closing message), not yet (with what is awaited), or failed.</summary>
/// <param name="IsDone">The awaited state is reached.</param>
/// <param name="Message">The step's closing message when done; what is awaited when not.</param>
/// <param name="Failure">Why waiting longer cannot help, if so.</param>
/// <param name="Shield">The shield while waiting, if it changes.</param>
internal sealed record Poll(bool IsDone, string? Message, StepFailure? Failure = null, Shield? Shield = null)
{
    /// <summary>The awaited state is reached.</summary>
    public static Poll Done(string? message) => new(true, message);

    /// <summary>Not yet: wait and check again.</summary>
    public static Poll NotYet(string message, Shield? shield = null) => new(false, message, Shield: shield);

    /// <summary>Waiting longer cannot help.</summary>
    public static Poll Failed(StepFailure failure) => new(false, failure.Message, failure);
}

/// <summary>
/// "Poll until", the one wait on Microsoft: checks, then pauses on a durable timer with back-off (<see cref="Polling"/>,
/// scaled by <see cref="WorkflowSettings.TimeScale"/>), until the check is done or fails or the deadline passes. The last
/// pause ends at the deadline, so the wait gives up only after a check made then. The first "not yet" is noted on the
/// step; every <see cref="ChecksPerExecution"/> checks the execution continues as new carrying the wait, so a wait of days
/// keeps a short history.
/// </summary>
internal sealed class DurablePolling(TaskOrchestrationContext context, WorkflowSettings settings, OnboardingJournal journal, OperatorProtocol operators)
{
    /// <summary>Checks (and stray events) per execution before continuing as new.</summary>
    public const int ChecksPerExecution = 10;

    /// <summary>A fresh wait: its deadline the polling's timeout from now, its first pause the polling's first.</summary>
    public WaitState Begin(Polling polling) => new(context.CurrentUtcDateTime + settings.Scaled(polling.Timeout), polling.First, 0);

    /// <summary>The next pause's end: the back-off interval from now, but never past the deadline.</summary>
    public DateTime NextCheck(WaitState wait)
    {
        DateTime next = context.CurrentUtcDateTime + settings.Scaled(wait.Interval);
        return next < wait.DeadlineUtc ? next : wait.DeadlineUtc;
    }

    /// <summary>Polls with <paramref name="check"/> until it is done (the step completes with its message) or fails.</summary>
    /// <param name="polling">Back-off and timeout.</param>
    /// <param name="carried">The wait an earlier execution was in, if any.</param>
    /// <param name="waitingFor">What the onboarding shows it waits for.</param>
    /// <param name="check">One check.</param>
    /// <param name="timedOut">The failure once the deadline passed, from the last "not yet" message.</param>
    /// <param name="continueAsNew">Ends this execution carrying the wait.</param>
    public async Task<StepResult> UntilAsync(
        Polling polling, WaitState? carried, string waitingFor, Func<Task<Poll>> check, Func<string?, StepFailure> timedOut, Func<WaitState, OnboardingOutcome> continueAsNew)
    {
        WaitState wait = carried ?? this.Begin(polling);
        for (int round = 1; ; round++)
        {
            Poll result = await check();
            wait = wait with { Polls = wait.Polls + 1 };
            if (result.IsDone)
            {
                if (result.Message is { } done)
                {
                    await journal.CompleteAsync(done, OnboardingStatus.Running);
                }

                return StepResult.Next;
            }

            if (result.Failure is not null || context.CurrentUtcDateTime >= wait.DeadlineUtc)
            {
                return result.Failure ?? timedOut(result.Message);
            }

            if (wait.Polls == 1)
            {
                // Every such wait is Microsoft's, never the customer's: the onboarding is running, not waiting for the customer.
                await journal.NoteAsync(result.Message, result.Shield);
            }

            if (await operators.PauseAsync(this.NextCheck(wait), waitingFor, wakeOnRefresh: true) is { } cancelled)
            {
                return StepResult.End(cancelled);
            }

            wait = wait with { Interval = polling.After(wait.Interval) };
            if (round >= ChecksPerExecution)
            {
                return StepResult.End(continueAsNew(wait));
            }
        }
    }
}
