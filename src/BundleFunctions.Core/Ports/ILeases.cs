namespace BundleFunctions.Ports;

/// <summary>
/// Named, expiring leases shared by every worker instance: one holder at a time. For the few places where find-or-create
/// is not enough because two runs can both "find nothing" in the same second — an MSP onboarding twenty customers at once
/// must not get twenty copies of each partner group.
/// </summary>
public interface ILeases
{
    /// <summary>Waits until the lease is free, then holds it until the result is disposed (or it expires).</summary>
    /// <param name="name">What the lease guards, e.g. <c>partner-groups-Contoso</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The held lease; dispose it to release.</returns>
    /// <exception cref="TimeoutException">The lease stayed taken longer than the adapter waits; a retry may succeed.</exception>
    Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken);
}
