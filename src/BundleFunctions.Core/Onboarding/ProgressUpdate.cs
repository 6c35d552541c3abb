namespace BundleFunctions.Onboarding;

/// <summary>
/// One change to an onboarding, decided by the orchestrator and written by an activity. Applying the same update twice
/// (activities run at least once) is harmless apart from a second audit entry: the stored state ends the same.
/// </summary>
/// <param name="Subject">Who it is for.</param>
/// <param name="Step">The step that changed, if any.</param>
/// <param name="StepStatus">The step's new status; <see cref="Onboarding.StepStatus.Running"/> counts an attempt.</param>
/// <param name="Message">What happened.</param>
/// <param name="Status">The onboarding's new status, if it changed.</param>
/// <param name="Shield">The new shield, if it changed.</param>
/// <param name="RelationshipId">The relationship, once known.</param>
/// <param name="InvitationUrl">The approval link, once known.</param>
/// <param name="AttemptKey">Identifies the attempt (orchestrator-chosen), so a re-delivered "running" is not counted twice; a "running" without one is a note on the attempt in progress.</param>
/// <param name="Actor">Who caused the change: an operator for retries and cancels, else the product itself.</param>
/// <param name="Restart">A new run of an ended onboarding: every step back to pending, status queued (the shield stays until rechecked).</param>
public sealed record ProgressUpdate(
    OnboardingSubject Subject,
    OnboardingStep? Step = null,
    StepStatus? StepStatus = null,
    string? Message = null,
    OnboardingStatus? Status = null,
    Shield? Shield = null,
    string? RelationshipId = null,
    Uri? InvitationUrl = null,
    string? AttemptKey = null,
    string? Actor = null,
    bool Restart = false)
{
    /// <summary>The actor of changes the workflow makes on its own.</summary>
    public const string System = "BundleFunctions";
}
