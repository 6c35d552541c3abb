namespace BundleFunctions.Ports;

/// <summary>
/// The audit trail of partner-wide actions that belong to no single onboarding — a webhook registration replaced, Global
/// Administrator removed from a relationship nobody onboarded here: who did what, when, to what.
/// </summary>
public interface IOperationsAudit
{
    /// <summary>Records one action.</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="entry">The action.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the entry is stored.</returns>
    Task RecordAsync(Guid partnerTenantId, OperationsAuditEntry entry, CancellationToken cancellationToken);

    /// <summary>The newest entries first.</summary>
    /// <param name="partnerTenantId">The partner tenant.</param>
    /// <param name="top">How many at most.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries.</returns>
    Task<IReadOnlyList<OperationsAuditEntry>> ListAsync(Guid partnerTenantId, int top, CancellationToken cancellationToken);
}

/// <summary>One partner-wide action.</summary>
/// <param name="At">When.</param>
/// <param name="Actor">Who asked (the caller's <c>x-requested-by</c>, or the system).</param>
/// <param name="Action">What, e.g. <c>webhookRegistration.replaced</c> or <c>globalAdministrator.removalStarted</c>.</param>
/// <param name="Target">What it was done to: a URL, a relationship ID.</param>
/// <param name="Detail">The rest an engineer reading the trail needs.</param>
public sealed record OperationsAuditEntry(DateTimeOffset At, string Actor, string Action, string Target, string? Detail = null);
