namespace BundleFunctions.Ports;

/// <summary>
/// Every Partner Center event received, once: the dedupe key makes a replay or a Partner Center retry of a handled event a
/// no-op, while an event whose handling never finished (the receiver failed or died) is handled again by the next delivery.
/// </summary>
public interface IWebhookInbox
{
    /// <summary>
    /// Claims an event for handling: records it when new; takes it again when it was recorded but never marked handled and
    /// its last claim is older than <paramref name="claimTimeout"/> (claimed with an ETag, so two deliveries never both win).
    /// </summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="key">The dedupe key (a hash of the signed body).</param>
    /// <param name="eventName">The Partner Center event name.</param>
    /// <param name="resourceUri">The resource the event is about.</param>
    /// <param name="at">When it arrived.</param>
    /// <param name="claimTimeout">How long a claim keeps other deliveries of the same event away.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What the caller should do.</returns>
    Task<InboxClaim> ClaimAsync(Guid partnerTenantId, string key, string eventName, string resourceUri, DateTimeOffset at, TimeSpan claimTimeout, CancellationToken cancellationToken);

    /// <summary>Notes what was done with a claimed event: from then on it is handled.</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="key">The dedupe key.</param>
    /// <param name="outcome">E.g. <c>raised RelationshipApproved on onb-…</c> or <c>unknown relationship</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the note is stored.</returns>
    Task MarkAsync(Guid partnerTenantId, string key, string outcome, CancellationToken cancellationToken);
}

/// <summary>The answer of <see cref="IWebhookInbox.ClaimAsync"/>.</summary>
public enum InboxClaim
{
    /// <summary>First delivery: handle it.</summary>
    New,

    /// <summary>Delivered before, but its handling never finished: handle it again.</summary>
    Unfinished,

    /// <summary>Handled before: a duplicate.</summary>
    Handled,

    /// <summary>Another delivery of it is being handled right now: answer so Partner Center retries later.</summary>
    InProgress,
}
