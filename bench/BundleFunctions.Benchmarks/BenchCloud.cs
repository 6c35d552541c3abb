using BundleFunctions.Infrastructure.MicrosoftCloud;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Benchmarks;

/// <summary>The Microsoft cloud connection of the simulator's seeded partner, as ./run.sh configures it.</summary>
public static class BenchCloud
{
    public static MicrosoftCloudOptions Options(Simulator simulator)
    {
        ArgumentNullException.ThrowIfNull(simulator);
        return new()
        {
            PartnerTenantId = Guid.Parse("7f5b1c2e-0000-4a6b-9c1d-5e2f3a4b5c6d"),
            ClientId = Guid.Parse("b7a1c3e5-3333-4a6b-9c1d-000000000001"),
            ClientSecret = "sim-only-client-secret",
            ServiceAccountUserPrincipalName = "svc-bundle@contosomsp.onmicrosoft.com",
            ServiceAccountRefreshToken = "sim-refresh-token-svc-bundle",
            AuthorityHost = simulator.BaseAddress,
            GraphBaseUrl = new Uri(simulator.BaseAddress, "v1.0"),
            PartnerCenterBaseUrl = new Uri(simulator.BaseAddress, "partnercenter"),
            PinnedCertificateThumbprint = simulator.Thumbprint,
        };
    }
}
