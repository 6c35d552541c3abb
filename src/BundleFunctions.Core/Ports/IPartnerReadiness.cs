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
