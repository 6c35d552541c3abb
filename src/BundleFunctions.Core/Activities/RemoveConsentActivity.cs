using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Removes the partner's application from a customer tenant (its Partner Center consent); one already gone is not an error.</summary>
/// <param name="access">The app's presence in customer tenants.</param>
public sealed class RemoveConsentActivity(ICustomerAccess access) : TaskActivity<Guid, bool>
{
    /// <inheritdoc />
    public override Task<bool> RunAsync(TaskActivityContext context, Guid customerTenantId) => access.RemoveConsentAsync(customerTenantId, CancellationToken.None);
}
