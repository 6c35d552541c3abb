using BundleFunctions.Onboarding;

namespace BundleFunctions.Ports;

/// <summary>Where onboardings and their audit trail are kept. Written only by activities.</summary>
public interface IOnboardingStore
{
    /// <summary>
    /// Applies one change: creates the onboarding on first use, updates its status and steps, and appends an audit entry.
    /// Concurrent writers are serialized with optimistic concurrency; the change is retried on a conflict, never lost.
    /// </summary>
    /// <param name="update">The change.</param>
    /// <param name="at">When it happened.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The onboarding after the change.</returns>
    Task<OnboardingRecord> ApplyAsync(ProgressUpdate update, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Queues an event that no state change implies (e.g. a relationship nearing its end) in the outbox.</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="outbound">The event.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the event is stored.</returns>
    Task PublishAsync(Guid partnerTenantId, OutboundEvent outbound, CancellationToken cancellationToken);

    /// <summary>Reads one onboarding.</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="onboardingId">The onboarding ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The onboarding, or null when there is none.</returns>
    Task<OnboardingRecord?> GetAsync(Guid partnerTenantId, string onboardingId, CancellationToken cancellationToken);

    /// <summary>Lists a partner's onboardings, newest change first.</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The onboardings.</returns>
    Task<IReadOnlyList<OnboardingRecord>> ListAsync(Guid partnerTenantId, CancellationToken cancellationToken);

    /// <summary>
    /// One page of a partner's onboardings, filtered in the store (not in memory), in onboarding-ID order so a continuation
    /// token resumes exactly where the page ended.
    /// </summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="query">The filters and page size.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page and the token of the next one (null at the end).</returns>
    Task<OnboardingPage> ListPageAsync(Guid partnerTenantId, OnboardingQuery query, CancellationToken cancellationToken);

    /// <summary>Finds the onboarding that owns a relationship (how a Partner Center event finds its onboarding).</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="relationshipId">The GDAP relationship ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The onboarding ID, or null when no onboarding owns the relationship.</returns>
    Task<string?> FindByRelationshipAsync(Guid partnerTenantId, string relationshipId, CancellationToken cancellationToken);

    /// <summary>Reads an onboarding's audit trail, oldest first.</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="onboardingId">The onboarding ID.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The audit entries.</returns>
    Task<IReadOnlyList<AuditLine>> GetAuditTrailAsync(Guid partnerTenantId, string onboardingId, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IOnboardingStore.ListPageAsync"/> is asked for.</summary>
/// <param name="Status">Only onboardings in this status; all when null.</param>
/// <param name="CustomerTenantId">Only this customer's; all when null.</param>
/// <param name="Top">The page size, 1 to <see cref="MaxTop"/>.</param>
/// <param name="ContinuationToken">Where the previous page ended; null for the first page.</param>
public sealed record OnboardingQuery(OnboardingStatus? Status, Guid? CustomerTenantId, int Top, string? ContinuationToken)
{
    /// <summary>The largest page.</summary>
    public const int MaxTop = 100;
}

/// <summary>One page of onboardings.</summary>
/// <param name="Records">The onboardings on this page.</param>
/// <param name="ContinuationToken">The next page's token; null when this is the last.</param>
public sealed record OnboardingPage(IReadOnlyList<OnboardingRecord> Records, string? ContinuationToken);
