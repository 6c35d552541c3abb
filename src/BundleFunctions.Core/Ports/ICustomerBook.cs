using BundleFunctions.Customers;

namespace BundleFunctions.Ports;

/// <summary>The partner's customers as the last import saw them, with each one's organization mapping.</summary>
public interface ICustomerBook
{
    /// <summary>
    /// Writes what an import found. A customer's organization ID is the MSP's, not the import's: it is kept. A customer the
    /// import no longer found stays in the book as it was last seen (its <see cref="CustomerRecord.ImportedAt"/> tells).
    /// </summary>
    /// <param name="partnerTenantId">The partner.</param>
    /// <param name="customers">The customers found.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when every customer is written.</returns>
    Task SaveImportAsync(Guid partnerTenantId, IReadOnlyList<CustomerRecord> customers, CancellationToken cancellationToken);

    /// <summary>Reads one customer.</summary>
    /// <param name="partnerTenantId">The partner.</param>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The customer, or null when no import found it.</returns>
    Task<CustomerRecord?> GetAsync(Guid partnerTenantId, Guid customerTenantId, CancellationToken cancellationToken);

    /// <summary>One page of customers in tenant-ID order, filtered in the store.</summary>
    /// <param name="partnerTenantId">The partner.</param>
    /// <param name="query">Filters and the page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page and the next page's token.</returns>
    /// <exception cref="ArgumentException">The continuation token is not one this store issued.</exception>
    Task<CustomerPage> ListPageAsync(Guid partnerTenantId, CustomerQuery query, CancellationToken cancellationToken);

    /// <summary>Maps a customer to the MSP's PSA/RMM organization, or removes the mapping (null).</summary>
    /// <param name="partnerTenantId">The partner.</param>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="organizationId">The organization ID, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The customer as now stored, or null when no import found it (nothing is written).</returns>
    Task<CustomerRecord?> SetOrganizationAsync(Guid partnerTenantId, Guid customerTenantId, string? organizationId, CancellationToken cancellationToken);

    /// <summary>
    /// Records a customer's offboarding (its verdict becomes <see cref="CustomerVerdict.Offboarded"/> at once), or clears it
    /// when a new onboarding starts (null). Kept across imports, as the organization mapping is.
    /// </summary>
    /// <param name="partnerTenantId">The partner.</param>
    /// <param name="customerTenantId">The customer.</param>
    /// <param name="offboarding">The offboarding, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when it is stored; nothing is written for a customer no import found.</returns>
    Task SetOffboardingAsync(Guid partnerTenantId, Guid customerTenantId, CustomerOffboarding? offboarding, CancellationToken cancellationToken);

    /// <summary>The customers recorded as offboarded (the import keeps their verdict).</summary>
    /// <param name="partnerTenantId">The partner.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Each offboarded customer's offboarding.</returns>
    Task<IReadOnlyDictionary<Guid, CustomerOffboarding>> ListOffboardedAsync(Guid partnerTenantId, CancellationToken cancellationToken);
}

/// <summary>Which customers to list.</summary>
/// <param name="Verdict">Only customers with this verdict, or all.</param>
/// <param name="OrganizationId">Only the customer(s) mapped to this organization, or all.</param>
/// <param name="Top">The page size, 1 to <see cref="OnboardingQuery.MaxTop"/>.</param>
/// <param name="ContinuationToken">Where the previous page ended; null for the first page.</param>
public sealed record CustomerQuery(CustomerVerdict? Verdict, string? OrganizationId, int Top, string? ContinuationToken);

/// <summary>One page of customers.</summary>
/// <param name="Customers">The customers.</param>
/// <param name="ContinuationToken">The next page's token; null when this is the last.</param>
public sealed record CustomerPage(IReadOnlyList<CustomerRecord> Customers, string? ContinuationToken);
