using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Probes API access from inside the customer tenant.</summary>
/// <param name="customers">The customer-tenant port.</param>
public sealed class VerifyAccessActivity(ICustomerAccess customers) : TaskActivity<AccessProbeRequest, AccessReport>
{
    /// <inheritdoc />
    public override Task<AccessReport> RunAsync(TaskActivityContext context, AccessProbeRequest input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return customers.ProbeAsync(input.CustomerTenantId, input.RoleTemplateIds, CancellationToken.None);
    }
}

/// <summary>Input of <see cref="VerifyAccessActivity"/>.</summary>
/// <param name="CustomerTenantId">The customer.</param>
/// <param name="RoleTemplateIds">The roles that must reach the customer.</param>
public sealed record AccessProbeRequest(Guid CustomerTenantId, IReadOnlyList<Guid> RoleTemplateIds);
