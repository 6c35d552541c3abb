namespace BundleFunctions.Onboarding;

/// <summary>The names of the external events an onboarding orchestration listens for (case-insensitive in Durable Task).</summary>
public static class OnboardingEvents
{
    /// <summary>The customer approved the relationship (raised by the Partner Center webhook or the safety-net poll).</summary>
    public const string RelationshipApproved = nameof(RelationshipApproved);

    /// <summary>The customer's administrator answered the admin-consent link (raised by the verified consent callback).</summary>
    public const string AdminConsentAnswered = nameof(AdminConsentAnswered);

    /// <summary>An operator asks to retry from the failed step.</summary>
    public const string RetryRequested = nameof(RetryRequested);

    /// <summary>The "quick refresh": recheck access now; from a failed consent or verification, run them again.</summary>
    public const string RefreshRequested = nameof(RefreshRequested);

    /// <summary>An operator cancels the onboarding.</summary>
    public const string CancelRequested = nameof(CancelRequested);
}

/// <summary>Payload of <see cref="OnboardingEvents.RelationshipApproved"/>.</summary>
/// <param name="RelationshipId">The relationship that was approved.</param>
/// <param name="Source">Who noticed.</param>
public sealed record RelationshipApproved(string RelationshipId, ApprovalSource Source);

/// <summary>
/// Payload of <see cref="OnboardingEvents.AdminConsentAnswered"/>: what Entra's redirect to the consent callback said, once
/// its state was matched to the onboarding's link. Not proof by itself: access is verified app-only afterwards.
/// </summary>
/// <param name="Granted">Entra said <c>admin_consent=True</c>.</param>
/// <param name="TenantId">The tenant the consent was given in, as Entra named it.</param>
/// <param name="Error">Entra's error code (e.g. <c>access_denied</c>), when not granted.</param>
/// <param name="Description">Entra's error description (e.g. <c>AADSTS65004: User declined to consent to access the app.</c>).</param>
public sealed record AdminConsentAnswer(bool Granted, Guid? TenantId, string? Error, string? Description);

/// <summary>Who noticed a customer's approval before the onboarding's own polling did.</summary>
public enum ApprovalSource
{
    /// <summary>Partner Center's signed webhook.</summary>
    Webhook,

    /// <summary>The scheduled safety-net job that re-raises approvals a lost webhook missed.</summary>
    SafetyNet,
}

/// <summary>Words for <see cref="ApprovalSource"/>.</summary>
public static class ApprovalSourceText
{
    /// <summary>The source as the approval step's message names it.</summary>
    public static string Describe(this ApprovalSource source) => source switch
    {
        ApprovalSource.Webhook => "webhook",
        ApprovalSource.SafetyNet => "safety-net",
        _ => source.ToString(),
    };
}

/// <summary>Payload of the operator events: retry, refresh, cancel.</summary>
/// <param name="RequestedBy">Who asked (an operator name or a system), for the audit trail.</param>
public sealed record OperatorDecision(string RequestedBy);
