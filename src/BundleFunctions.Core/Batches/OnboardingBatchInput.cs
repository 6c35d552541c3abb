using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Batches;

/// <summary>A batch of onboardings, and where it stands (carried across <c>ContinueAsNew</c>).</summary>
/// <param name="PartnerTenantId">The partner.</param>
/// <param name="Requests">One onboarding per customer, in the order they are admitted.</param>
/// <param name="Concurrency">How many of the batch's onboardings may be in their Microsoft-heavy first steps at once.</param>
/// <param name="Poll">How often the batch looks at its onboardings while it waits for a free place.</param>
/// <param name="Actor">Who submitted it.</param>
/// <param name="Results">What was done for each customer so far (in <paramref name="Requests"/> order).</param>
/// <param name="Busy">The started onboardings still in their first steps.</param>
public sealed record OnboardingBatchInput(
    Guid PartnerTenantId,
    IReadOnlyList<OnboardingRequest> Requests,
    int Concurrency,
    TimeSpan Poll,
    string Actor,
    IReadOnlyList<BatchItemResult>? Results = null,
    IReadOnlyList<string>? Busy = null);

/// <summary>A batch's report: its custom status while it runs, its output when it ends.</summary>
/// <param name="Total">Customers in the batch.</param>
/// <param name="Cancelled">Whether an operator cancelled it (customers not reached stay pending).</param>
/// <param name="Results">Each customer's result.</param>
public sealed record OnboardingBatchReport(int Total, bool Cancelled, IReadOnlyList<BatchItemResult> Results);

/// <summary>A batch's counts while it runs (its custom status: Durable keeps custom status small, so no per-customer list).</summary>
/// <param name="Total">Customers in the batch.</param>
/// <param name="Started">Onboardings it started.</param>
/// <param name="AlreadyHadOnboarding">Customers it left alone because they had an onboarding.</param>
/// <param name="Pending">Customers not reached yet.</param>
/// <param name="HoldingAPlace">Started onboardings still in their first steps.</param>
public sealed record OnboardingBatchProgress(int Total, int Started, int AlreadyHadOnboarding, int Pending, int HoldingAPlace);

/// <summary>Where one of a batch's onboardings stands.</summary>
/// <param name="OnboardingId">The onboarding.</param>
/// <param name="Status">Its status.</param>
/// <param name="CurrentStep">Its step.</param>
/// <param name="Shield">Its shield.</param>
public sealed record OnboardingPhase(string OnboardingId, OnboardingStatus Status, OnboardingStep CurrentStep, Shield Shield)
{
    /// <summary>
    /// Whether it is still in the steps where onboardings compete for the same Microsoft resources (the partner groups, the
    /// relationship names, the partner's throttling budget): queued, or running up to the approval link. Waiting for a
    /// customer, failed, or past the link, it no longer holds a place in its batch.
    /// </summary>
    public bool HoldsAPlace => this.Status == OnboardingStatus.Queued
        || (this.Status == OnboardingStatus.Running && this.CurrentStep <= OnboardingStep.PublishInvitation);
}
