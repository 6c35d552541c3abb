using System.Diagnostics.Metrics;
using BundleFunctions.Onboarding;

namespace BundleFunctions.Telemetry;

/// <summary>
/// Onboarding metrics, recorded where progress is written (<see cref="Activities.RecordProgressActivity"/>): activities
/// run at least once, so a re-delivered write may count twice; the store's state stays exact either way.
/// </summary>
public sealed class OnboardingMetrics
{
    readonly Counter<long> statusReached;
    readonly Histogram<double> stepDuration;

    /// <summary>Creates the instruments on the host's meter factory.</summary>
    /// <param name="meters">The host's meter factory.</param>
    public OnboardingMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        Meter meter = meters.Create(BundleMeter.Name);
        this.statusReached = meter.CreateCounter<long>(BundleMeter.OnboardingStatusReached, "{onboarding}", "Onboardings that reached a status, by status and shield.");
        this.stepDuration = meter.CreateHistogram<double>(BundleMeter.StepDuration, "s", "How long one attempt of an onboarding step took, by step and result.");
    }

    /// <summary>Records what <paramref name="update"/> changed in <paramref name="after"/>.</summary>
    /// <param name="update">The change written.</param>
    /// <param name="after">The onboarding after it.</param>
    public void Record(ProgressUpdate update, OnboardingRecord after)
    {
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(after);
        if (update.Status is { } status)
        {
            this.statusReached.Add(1, new("status", status.ToString()), new("shield", after.Shield.ToString()));
        }

        if (update is { Step: { } step, StepStatus: StepStatus.Succeeded or StepStatus.Failed }
            && after.Steps.FirstOrDefault(s => s.Step == step) is { StartedAt: { } started, CompletedAt: { } completed })
        {
            this.stepDuration.Record((completed - started).TotalSeconds, new("step", step.ToString()), new("result", update.StepStatus.ToString()));
        }
    }
}
