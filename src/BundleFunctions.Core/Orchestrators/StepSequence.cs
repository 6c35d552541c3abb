using BundleFunctions.Onboarding;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// A workflow's steps in order: runs them from a given step on and stops at the first that does not go on. An activity
/// that failed for good becomes that step's failure (<see cref="StepFailures.ActivityFailed"/>); an operator's cancel
/// during a Retry-After ends the execution.
/// </summary>
internal static class StepSequence
{
    /// <summary>Runs <paramref name="steps"/> from <paramref name="from"/> on.</summary>
    public static async Task<StepResult> RunAsync(OnboardingJournal journal, OnboardingStep from, params IReadOnlyList<(OnboardingStep Step, Func<Task<StepResult>> Run)> steps)
    {
        foreach ((OnboardingStep step, Func<Task<StepResult>> run) in steps.Where(s => s.Step >= from))
        {
            journal.Resume(step);
            StepResult result;
            try
            {
                result = await run();
            }
            catch (TaskFailedException failed)
            {
                result = StepFailures.ActivityFailed(failed, step);
            }
            catch (MicrosoftCalls.CancelledDuringCall cancelled)
            {
                result = StepResult.End(cancelled.Outcome);
            }

            if (!result.IsNext)
            {
                return result;
            }
        }

        return StepResult.Next;
    }
}
