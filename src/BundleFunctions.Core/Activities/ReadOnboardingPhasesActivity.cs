using BundleFunctions.Batches;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Reads where a batch's started onboardings stand (an onboarding with no record yet is still queued).</summary>
/// <param name="store">The onboarding store.</param>
public sealed class ReadOnboardingPhasesActivity(IOnboardingStore store) : TaskActivity<OnboardingPhaseQuery, IReadOnlyList<OnboardingPhase>>
{
    /// <inheritdoc />
    public override async Task<IReadOnlyList<OnboardingPhase>> RunAsync(TaskActivityContext context, OnboardingPhaseQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        List<OnboardingPhase> phases = [];
        foreach (string id in query.OnboardingIds)
        {
            OnboardingRecord? record = await store.GetAsync(query.PartnerTenantId, id, CancellationToken.None);
            phases.Add(record is null
                ? new OnboardingPhase(id, OnboardingStatus.Queued, OnboardingStep.Validate, Shield.None)
                : new OnboardingPhase(id, record.Status, record.CurrentStep, record.Shield));
        }

        return phases;
    }
}

/// <summary>Input of <see cref="ReadOnboardingPhasesActivity"/>.</summary>
/// <param name="PartnerTenantId">The partner.</param>
/// <param name="OnboardingIds">The onboardings.</param>
public sealed record OnboardingPhaseQuery(Guid PartnerTenantId, IReadOnlyList<string> OnboardingIds);
