namespace BundleFunctions.Onboarding;

/// <summary>The names of the external events an onboarding orchestration listens for (case-insensitive in Durable Task).</summary>
public static class OnboardingEvents
{
    /// <summary>The customer approved the relationship (raised by the Partner Center webhook or the safety-net poll).</summary>
    public const string RelationshipApproved = nameof(RelationshipApproved);

    /// <summary>An operator asks to retry from the failed step.</summary>
    public const string RetryRequested = nameof(RetryRequested);

    /// <summary>The "quick refresh": recheck access now; from a failed consent or verification, run them again.</summary>
    public const string RefreshRequested = nameof(RefreshRequested);

    /// <summary>An operator cancels the onboarding.</summary>
    public const string CancelRequested = nameof(CancelRequested);
}

/// <summary>Payload of <see cref="OnboardingEvents.RelationshipApproved"/>.</summary>
/// <param name="RelationshipId">The relationship that was approved.</param>
/// <param name="Source">Who noticed: <c>webhook</c>, <c>poll</c> or <c>operator</c>.</param>
public sealed record RelationshipApproved(string RelationshipId, string Source);

/// <summary>Payload of the operator events: retry, refresh, cancel.</summary>
/// <param name="RequestedBy">Who asked (an operator name or a system), for the audit trail.</param>
public sealed record OperatorDecision(string RequestedBy);
