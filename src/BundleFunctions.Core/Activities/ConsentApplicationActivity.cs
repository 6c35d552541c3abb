using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Consents the partner app into the customer tenant (idempotent).</summary>
/// <param name="customers">The customer-tenant port.</param>
public sealed class ConsentApplicationActivity(ICustomerAccess customers) : TaskActivity<Guid, ConsentOutcome>
{
    /// <inheritdoc />
    public override Task<ConsentOutcome> RunAsync(TaskActivityContext context, Guid input) => customers.EnsureConsentAsync(input, CancellationToken.None);
}
