using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Writes one change of an onboarding to the store, stamped with the activity's clock (never the orchestrator's).</summary>
/// <param name="store">The onboarding store.</param>
/// <param name="time">The clock.</param>
public sealed class RecordProgressActivity(IOnboardingStore store, TimeProvider time) : TaskActivity<ProgressUpdate, bool>
{
    /// <inheritdoc />
    public override async Task<bool> RunAsync(TaskActivityContext context, ProgressUpdate input)
    {
        ArgumentNullException.ThrowIfNull(input);
        await store.ApplyAsync(input, time.GetUtcNow(), CancellationToken.None);
        return true;
    }
}
