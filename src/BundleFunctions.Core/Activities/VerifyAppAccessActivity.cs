using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>Probes the app's app-only access in an enterprise-app customer's tenant.</summary>
/// <param name="apps">The enterprise-app port.</param>
public sealed class VerifyAppAccessActivity(IEnterpriseAppAccess apps) : TaskActivity<Guid, AppAccessReport>
{
    /// <inheritdoc />
    public override Task<AppAccessReport> RunAsync(TaskActivityContext context, Guid input) => apps.ProbeAsync(input, CancellationToken.None);
}
