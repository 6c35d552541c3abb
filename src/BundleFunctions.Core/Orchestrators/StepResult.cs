using BundleFunctions.Onboarding;

namespace BundleFunctions.Orchestrators;

/// <summary>How a step ended: go on to the next step, failed (the operator decides what next), or the execution ended.</summary>
/// <param name="Failure">Why the step failed, if it did.</param>
/// <param name="Ended">The outcome when the execution ended here: cancelled, or continued as new.</param>
internal sealed record StepResult(StepFailure? Failure = null, OnboardingOutcome? Ended = null)
{
    /// <summary>Go on with the next step.</summary>
    public static StepResult Next { get; } = new();

    /// <summary>The onboarding goes on with the next step.</summary>
    public bool IsNext => this.Failure is null && this.Ended is null;

    /// <summary>The step failed.</summary>
    public static implicit operator StepResult(StepFailure failure) => new(Failure: failure);

    /// <summary>The execution ended with <paramref name="outcome"/>.</summary>
    public static StepResult End(OnboardingOutcome outcome) => new(Ended: outcome);
}

/// <summary>Why the steps stopped, where a retry resumes, and the shield it leaves.</summary>
/// <param name="Message">What failed, in words an operator can act on.</param>
/// <param name="ResumeAt">The step a retry starts from.</param>
/// <param name="Shield">Blue once the relationship exists but access does not work; none before.</param>
internal sealed record StepFailure(string Message, OnboardingStep ResumeAt, Shield Shield);
