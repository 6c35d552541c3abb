using BundleFunctions.Onboarding;

namespace BundleFunctions.Ports;

/// <summary>Starts a customer's onboarding on behalf of a batch, only where none exists yet.</summary>
public interface IOnboardingStarter
{
    /// <summary>
    /// Starts the customer's onboarding unless the customer already has one, in whatever state: a batch submitted twice,
    /// or over customers onboarded before, never starts anything twice.
    /// </summary>
    /// <param name="request">The onboarding, checked against the GDAP rules.</param>
    /// <param name="actor">Who asked (for the audit trail).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was done for the customer.</returns>
    Task<BatchItemResult> StartIfNewAsync(OnboardingRequest request, string actor, CancellationToken cancellationToken);
}

/// <summary>What a batch did for one customer.</summary>
/// <param name="CustomerTenantId">The customer.</param>
/// <param name="OnboardingId">Its onboarding.</param>
/// <param name="Outcome">What was done.</param>
/// <param name="Message">Why, for anything but a start.</param>
public sealed record BatchItemResult(Guid CustomerTenantId, string OnboardingId, BatchItemOutcome Outcome, string? Message = null);

/// <summary>What a batch did for one customer.</summary>
public enum BatchItemOutcome
{
    /// <summary>Not reached yet (the batch runs, or was cancelled before it).</summary>
    Pending,

    /// <summary>Its onboarding was started by this batch.</summary>
    Started,

    /// <summary>It already had an onboarding (any state); nothing was started.</summary>
    AlreadyHadOnboarding,
}
