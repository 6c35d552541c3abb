namespace BundleFunctions.Onboarding;

/// <summary>What an onboarding orchestration returns when it ends.</summary>
/// <param name="Status">The final status.</param>
/// <param name="Shield">The final shield.</param>
/// <param name="Message">Why it ended so.</param>
/// <param name="FailedStep">The step that failed, if any.</param>
public sealed record OnboardingOutcome(OnboardingStatus Status, Shield Shield, string Message, OnboardingStep? FailedStep = null);
