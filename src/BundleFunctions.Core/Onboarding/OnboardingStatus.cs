namespace BundleFunctions.Onboarding;

/// <summary>Where an onboarding stands, as the API reports it (camelCase on the wire).</summary>
public enum OnboardingStatus
{
    /// <summary>Accepted, not started yet.</summary>
    Queued,

    /// <summary>Working through the steps.</summary>
    Running,

    /// <summary>The approval link is out; the customer's Global Administrator has not approved yet.</summary>
    WaitingForCustomer,

    /// <summary>Every step succeeded.</summary>
    Succeeded,

    /// <summary>A step failed; the onboarding can be retried from that step or cancelled.</summary>
    Failed,

    /// <summary>Cancelled by an operator.</summary>
    Cancelled,
}
