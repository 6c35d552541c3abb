namespace MicrosoftCloudSimulator.State;

/// <summary>What consent does in a customer tenant: service principals and delegated grants.</summary>
public static class Consents
{
    static readonly Dictionary<Guid, string> WellKnownApps = new()
    {
        [Guid.Parse("00000003-0000-0000-c000-000000000000")] = "Microsoft Graph",
        [Guid.Parse("00000002-0000-0ff1-ce00-000000000000")] = "Office 365 Exchange Online",
        [Guid.Parse("797f4846-ba00-4fd7-ba43-dac1f8f63013")] = "Windows Azure Service Management API",
        [Guid.Parse("fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd")] = "Microsoft Partner Center",
    };

    /// <summary>Adds a service principal for an app, visible after the replication delay.</summary>
    public static ServicePrincipal AddServicePrincipal(SimulatedCloud cloud, Tenant tenant, Guid appId)
    {
        string name = WellKnownApps.GetValueOrDefault(appId) ?? cloud.Partner.Apps.GetValueOrDefault(appId)?.DisplayName ?? appId.ToString();
        DateTimeOffset now = cloud.Clock.UtcNow;
        ServicePrincipal sp = new() { Id = Guid.NewGuid(), AppId = appId, DisplayName = name, VisibleFrom = now + cloud.Faults.ReplicationDelay };
        tenant.ServicePrincipals[sp.Id] = sp;
        return sp;
    }

    /// <summary>The service principal of an app in a tenant, creating it if missing.</summary>
    public static ServicePrincipal EnsureServicePrincipal(SimulatedCloud cloud, Tenant tenant, Guid appId) =>
        tenant.ServicePrincipals.Values.FirstOrDefault(sp => sp.AppId == appId) ?? AddServicePrincipal(cloud, tenant, appId);
}
