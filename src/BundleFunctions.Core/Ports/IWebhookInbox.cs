namespace BundleFunctions.Ports;

/// <summary>Every Partner Center event received, once: the dedupe key makes a replay or a Partner Center retry a no-op.</summary>
public interface IWebhookInbox
{
    /// <summary>Records an event unless one with the same key was recorded before.</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="key">The dedupe key (a hash of the signed body).</param>
    /// <param name="eventName">The Partner Center event name.</param>
    /// <param name="resourceUri">The resource the event is about.</param>
    /// <param name="at">When it arrived.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the event was already recorded (a duplicate).</returns>
    Task<bool> TryRecordAsync(Guid partnerTenantId, string key, string eventName, string resourceUri, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Notes what was done with a recorded event.</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="key">The dedupe key.</param>
    /// <param name="outcome">E.g. <c>raised RelationshipApproved on onb-…</c> or <c>unknown relationship</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the note is stored.</returns>
    Task MarkAsync(Guid partnerTenantId, string key, string outcome, CancellationToken cancellationToken);
}
