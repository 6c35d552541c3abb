using BundleFunctions.Onboarding;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// A step's durable wait as one onboarding execution holds it: a wait of days spans executions (<c>ContinueAsNew</c>), so
/// a step takes the wait an earlier execution carried, and continues as new carrying its own.
/// </summary>
internal interface ICarriedWaits
{
    /// <summary>The wait an earlier execution of this step was in, if any; taking it clears it.</summary>
    WaitState? TakeWait();

    /// <summary>Ends this execution; the next resumes the current step inside <paramref name="wait"/>.</summary>
    OnboardingOutcome ContinueWaitingAsNew(WaitState wait);

    /// <summary>Starts the step, unless this execution continues a wait of it (the attempt was counted when it began).</summary>
    Task StartUnlessWaitingAsync();

    /// <summary>A wait on Microsoft for the current step (<see cref="DurablePolling"/>), carried across <c>ContinueAsNew</c>.</summary>
    Task<StepResult> PollUntilAsync(Polling timing, string waitingFor, Func<Task<Poll>> check, Func<string?, StepFailure> timedOut);
}
