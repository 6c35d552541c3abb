using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Starts the onboardings a batch admits, each only if its customer has none yet (so a rerun starts nothing twice).</summary>
/// <param name="starter">Starts onboardings.</param>
public sealed class StartBatchOnboardingsActivity(IOnboardingStarter starter) : TaskActivity<BatchAdmission, IReadOnlyList<BatchItemResult>>
{
    /// <inheritdoc />
    public override async Task<IReadOnlyList<BatchItemResult>> RunAsync(TaskActivityContext context, BatchAdmission admission)
    {
        ArgumentNullException.ThrowIfNull(admission);
        List<BatchItemResult> results = [];
        foreach (OnboardingRequest request in admission.Requests)
        {
            results.Add(await starter.StartIfNewAsync(request, admission.Actor, CancellationToken.None));
        }

        return results;
    }
}

/// <summary>Input of <see cref="StartBatchOnboardingsActivity"/>.</summary>
/// <param name="Requests">The onboardings admitted.</param>
/// <param name="Actor">Who submitted the batch.</param>
public sealed record BatchAdmission(IReadOnlyList<OnboardingRequest> Requests, string Actor);
