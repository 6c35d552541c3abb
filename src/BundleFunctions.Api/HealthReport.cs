using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>
/// <c>GET /api/health</c>: 200 whenever the app runs (it is a liveness answer), saying <c>ok</c> or <c>degraded</c> and what to fix
/// — the Microsoft cloud connection's problem and the app settings whose Key Vault references did not resolve, by name only.
/// </summary>
public static class HealthReport
{
    /// <summary>The response.</summary>
    /// <param name="health">What the deployment's configuration lacks.</param>
    /// <returns>The JSON answer.</returns>
    public static IResult Of(DeploymentHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return ApiJson.Json(new
        {
            status = health.IsHealthy ? "ok" : "degraded",
            microsoftCloud = health.MicrosoftCloud ?? "configured",
            unresolvedSettings = health.UnresolvedSettings,
        });
    }
}
