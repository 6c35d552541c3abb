using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using BundleFunctions.Telemetry;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Writes one change of an onboarding to the store, stamped with the activity's clock (never the orchestrator's).</summary>
/// <param name="store">The onboarding store.</param>
/// <param name="time">The clock.</param>
/// <param name="metrics">Onboarding metrics.</param>
public sealed class RecordProgressActivity(IOnboardingStore store, TimeProvider time, OnboardingMetrics metrics) : TaskActivity<ProgressUpdate, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, ProgressUpdate input)
    {
        ArgumentNullException.ThrowIfNull(input);
        metrics.Record(input, await store.ApplyAsync(input, time.GetUtcNow(), CancellationToken.None));
        return true;
    }
}
