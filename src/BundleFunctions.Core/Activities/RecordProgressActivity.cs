using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using BundleFunctions.Telemetry;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Writes changes of an onboarding to the store in order, each stamped with the activity's clock (never the orchestrator's).
/// One call carries a step's completion together with the next step's start: one activity, not two, per step.
/// </summary>
/// <param name="store">The onboarding store.</param>
/// <param name="time">The clock.</param>
/// <param name="metrics">Onboarding metrics.</param>
public sealed class RecordProgressActivity(IOnboardingStore store, TimeProvider time, OnboardingMetrics metrics) : TaskActivity<ProgressUpdates, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, ProgressUpdates input)
    {
        ArgumentNullException.ThrowIfNull(input);
        foreach (ProgressUpdate update in input.Updates)
        {
            metrics.Record(update, await store.ApplyAsync(update, time.GetUtcNow(), CancellationToken.None));
        }

        return true;
    }
}

/// <summary>Changes of one onboarding, applied in order.</summary>
/// <param name="Updates">The changes.</param>
public sealed record ProgressUpdates(IReadOnlyList<ProgressUpdate> Updates);
