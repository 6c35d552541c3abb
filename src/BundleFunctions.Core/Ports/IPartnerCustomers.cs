namespace BundleFunctions.Ports;

/// <summary>The partner's customer list in Partner Center (<c>GET /v1/customers</c>, every page).</summary>
public interface IPartnerCustomers
{
    /// <summary>Lists every customer of the partner, following Partner Center's continuation tokens to the last page.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The customers, and how many pages Partner Center answered with.</returns>
    Task<PartnerCustomerList> ListCustomersAsync(CancellationToken cancellationToken);
}

/// <summary>A customer as Partner Center lists it.</summary>
/// <param name="TenantId">The customer's tenant (<c>companyProfile.tenantId</c>).</param>
/// <param name="Name">Its company name.</param>
/// <param name="Domain">Its default domain.</param>
public sealed record PartnerCustomer(Guid TenantId, string Name, string? Domain);

/// <summary>The partner's customers.</summary>
/// <param name="Customers">Every customer.</param>
/// <param name="Pages">How many pages Partner Center answered with.</param>
public sealed record PartnerCustomerList(IReadOnlyList<PartnerCustomer> Customers, int Pages);
