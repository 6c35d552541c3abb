using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Consents the partner app into the customer tenant (idempotent) with the grants the bundle's configuration makes — once
/// the partner passes its blocking readiness checks, which include every configured permission name being one its API
/// publishes: a consent-all after a configuration change sends nothing until the names are right.
/// </summary>
/// <param name="customers">The customer-tenant port.</param>
/// <param name="readiness">The partner's readiness gate.</param>
public sealed class ConsentApplicationActivity(ICustomerAccess customers, IPartnerReadiness readiness) : TaskActivity<Guid, ConsentOutcome>
{
    /// <inheritdoc />
    public override async Task<ConsentOutcome> RunAsync(TaskActivityContext context, Guid input)
    {
        await readiness.RequireReadyAsync();

        return await customers.EnsureConsentAsync(input, CancellationToken.None);
    }
}
