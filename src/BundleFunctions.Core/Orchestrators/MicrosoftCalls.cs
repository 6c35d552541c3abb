using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// Calls activities that talk to Microsoft. Transient failures are retried by the activity retry policy; a cause the
/// operator must fix (<see cref="StepFailedException"/>) is not; and when Microsoft asked for a longer wait than an
/// activity holds (<see cref="MicrosoftBusyException"/>), the orchestration sleeps that long on a durable timer and calls
/// again, so no request goes out before its <c>Retry-After</c>.
/// </summary>
internal sealed class MicrosoftCalls(TaskOrchestrationContext context, TaskOptions options, WorkflowSettings settings, OperatorProtocol operators)
{
    // Durable waits for Microsoft's Retry-After per activity call before the step gives up.
    const int MaxBusyWaits = 20;

    /// <summary>The retry policy for such calls: transient failures only.</summary>
    public static TaskOptions RetryOptions(ActivityRetrySettings retry) =>
        retry.ToTaskOptions(failure => !StepFailedException.IsCause(failure) && MicrosoftBusyException.WaitOf(failure) is null);

    /// <summary>Calls <paramref name="activity"/>, waiting out Microsoft's Retry-After on durable timers.</summary>
    /// <exception cref="CancelledDuringCall">The operator cancelled during such a wait.</exception>
    public async Task<T> CallAsync<T>(string activity, object input)
    {
        for (int waits = 0; ; waits++)
        {
            try
            {
                return await context.CallActivityAsync<T>(activity, input, options);
            }
            catch (TaskFailedException busy) when (MicrosoftBusyException.WaitOf(busy.FailureDetails) is TimeSpan retryAfter && waits < MaxBusyWaits)
            {
                // A second more than asked: Microsoft counts from its answer, and a resend a hair early is throttled again.
                DateTime until = context.CurrentUtcDateTime + settings.Scaled(retryAfter + TimeSpan.FromSeconds(1));
                if (await operators.PauseAsync(until, $"Microsoft's Retry-After of {retryAfter.TotalSeconds:0} s", wakeOnRefresh: false) is { } cancelled)
                {
                    throw new CancelledDuringCall(cancelled);
                }
            }
        }
    }

    /// <summary>The operator cancelled while a call waited out Microsoft's Retry-After: the step ends there.</summary>
    /// <param name="outcome">The cancelled outcome, already recorded.</param>
    internal sealed class CancelledDuringCall(OnboardingOutcome outcome) : Exception(outcome.Message)
    {
        /// <summary>The cancelled outcome.</summary>
        public OnboardingOutcome Outcome { get; } = outcome;
    }
}
