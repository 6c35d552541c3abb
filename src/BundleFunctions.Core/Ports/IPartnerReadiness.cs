using BundleFunctions.Readiness;

namespace BundleFunctions.Ports;

/// <summary>The partner's readiness for onboarding customers: the report, and the gate every onboarding passes.</summary>
public interface IPartnerReadiness
{
    /// <summary>Checks everything now.</summary>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The report.</returns>
    Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The first blocking check that fails, or null. A passing report is reused for a while (a batch of a thousand asks
    /// once, not a thousand times); a failing one never is, so a retry after the fix is checked afresh.
    /// </summary>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The blocker, or null.</returns>
    Task<ReadinessCheck?> BlockerAsync(CancellationToken cancellationToken);
}

/// <summary>The gate a Microsoft-facing step passes before it acts.</summary>
public static class PartnerReadinessGate
{
    /// <summary>Fails the step, naming the check and its fix, while a blocking readiness check fails.</summary>
    /// <param name="readiness">The partner's readiness.</param>
    /// <returns>A task that completes when the partner is ready.</returns>
    /// <exception cref="StepFailedException">A blocking check fails.</exception>
    public static async Task RequireReadyAsync(this IPartnerReadiness readiness)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        if (await readiness.BlockerAsync(CancellationToken.None) is { } blocker)
        {
            throw new StepFailedException(blocker.Describe());
        }
    }
}
