using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.Hosting;
using MicrosoftCloudSimulator.State;
using MicrosoftCloudSimulator.Webhooks;

namespace MicrosoftCloudSimulator.Control;

/// <summary>Test hooks under <c>/_sim</c>: play the customer, inspect, inject faults, move time. Never in production paths.</summary>
public static class ControlEndpoints
{
    public static void MapControl(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder sim = app.MapGroup("/_sim");
        sim.MapPartnerSetup();
        sim.MapPost("/relationships/{id}/approve", Approve);
        sim.MapGet("/stats", (Traffic traffic) => Results.Json(new
        {
            requests = new SortedDictionary<string, int>(traffic.Requests),
            throttled = new SortedDictionary<string, int>(traffic.Throttled),
            serverErrors = new SortedDictionary<string, int>(traffic.ServerErrors),
            ambiguousWrites = new SortedDictionary<string, int>(traffic.AmbiguousWrites),
            earlyRetries = new SortedDictionary<string, int>(traffic.EarlyRetries),
            applied = new SortedDictionary<string, int>(traffic.Applied),
            total = traffic.Requests.Values.Sum(),
        }));
        sim.MapDelete("/stats", (Traffic traffic) =>
        {
            traffic.Reset();
            return Results.NoContent();
        });
        sim.MapGet("/faults", (SimulatedCloud cloud) => Results.Json(cloud.Locked(c => c.Faults)));
        sim.MapPost("/faults", (FaultSettings faults, SimulatedCloud cloud) =>
        {
            if (faults.ThrottleRates.Values.Concat(faults.ServerErrorRates.Values).Concat(faults.AmbiguousWriteRates.Values).Any(r => r is < 0 or > 1))
            {
                return Results.Problem(statusCode: 400, title: "Rates are fractions from 0 to 1.");
            }

            cloud.Locked(c => c.Faults = faults);
            return Results.Json(faults);
        });
        sim.MapDelete("/faults", (SimulatedCloud cloud) =>
        {
            cloud.Locked(c => c.Faults = c.Options.DefaultFaults());
            return Results.NoContent();
        });
        sim.MapGet("/crash-point", (CrashPoint point) => Results.Json(point.Now()));
        sim.MapPost("/crash-point", (CrashPoint.Arm arm, CrashPoint point) =>
        {
            if (arm.Skip < 0 || string.IsNullOrWhiteSpace(arm.Route))
            {
                return Results.Problem(statusCode: 400, title: "route (\"METHOD template\" as in /_sim/stats, or *) is required and skip must not be negative.");
            }

            point.Set(arm);
            return Results.Json(point.Now());
        });
        sim.MapDelete("/crash-point", (CrashPoint point) =>
        {
            point.Clear();
            return Results.NoContent();
        });
        sim.MapPost("/time/advance", AdvanceTime);
        sim.MapGet("/time", (SimulatedCloud cloud) => Results.Json(new { now = cloud.Clock.UtcNow, offset = cloud.Clock.Offset }));
        sim.MapPost("/customers/{tenantId}/conditional-access-policies", AddBlockingPolicy);
        sim.MapPost("/customers/{tenantId}/conditional-access-policies/{policyId}/exclude-service-providers", ExcludeServiceProviders);
        sim.MapPost("/apps/{appId}/certificates", AddAppCertificate);
        sim.MapPost("/vault/secrets/{name}/read-only", (string name, KeyVault.SimulatedVault vault) =>
        {
            vault.Refuse(name, "setSecret");
            return Results.NoContent();
        });
        // Serialized under the lock: the dump's collections are live views, and a request changing the cloud meanwhile would
        // break the enumeration ("Collection was modified", seen under the 1,000-customer benchmark). No Microsoft rule is
        // involved: /_sim is the simulator's own control surface, which Microsoft's cloud does not have.
        sim.MapGet("/state", (SimulatedCloud cloud) => Results.Json(cloud.Locked(c => System.Text.Json.JsonSerializer.SerializeToElement(StateDump.Of(c), System.Text.Json.JsonSerializerOptions.Web))));
        sim.MapGet("/webhooks/deliveries", (WebhookDelivery delivery) => Results.Json(delivery.Deliveries.ToArray()));
        sim.MapGet("/certificates/https", (SimulatorCertificates certificates) =>
            Results.Json(new { thumbprint = certificates.HttpsThumbprint, pem = certificates.Https.ExportCertificatePem() }));

        // Partner Center's signing certificate where Microsoft serves it: /cert/<name>.cer on its storage host
        // (X-MS-Certificate-Url, learn.microsoft.com/partner-center/developer/partner-center-webhooks).
        app.MapGet("/cert/pcnotifications-dispatch.microsoft.com.cer", (SimulatorCertificates certificates) =>
            Results.Bytes(certificates.WebhookSigning.RawData, "application/pkix-cert"));
    }

    /// <summary>Registers a public certificate as an app credential, as uploading it under "Certificates &amp; secrets" does.</summary>
    static async Task<IResult> AddAppCertificate(string appId, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await Graph.DirectoryEndpoints.ReadBody(http);
        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
        try
        {
            certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(Convert.FromBase64String(body?["certificate"]?.GetValue<string>() ?? string.Empty));
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException)
        {
            return Results.Problem(statusCode: 400, title: "certificate must be a base64 DER X.509 certificate (public part only).");
        }

        return cloud.Locked(c =>
        {
            if (!Guid.TryParse(appId, out Guid id) || !c.Partner.Apps.TryGetValue(id, out AppRegistration? app))
            {
                return Results.Problem(statusCode: 404, title: $"No app {appId} in the partner tenant.");
            }

            app.Certificates.Add(certificate);
            return Results.Json(new { appId = app.AppId, thumbprint = certificate.Thumbprint });
        });
    }

    static async Task<IResult> Approve(string id, HttpContext http, SimulatedCloud cloud, WebhookDelivery delivery)
    {
        JsonObject? body = await Graph.DirectoryEndpoints.ReadBody(http);
        if (!Guid.TryParse(body?["customerTenantId"]?.GetValue<string>(), out Guid customer))
        {
            return Results.Problem(statusCode: 400, title: "customerTenantId (GUID) is required: the customer whose Global Administrator approves.");
        }

        string? refused = cloud.Locked(c => Lifecycle.Approve(c, id, customer));
        if (refused is not null)
        {
            return Results.Problem(statusCode: 409, title: refused);
        }

        delivery.RunDue();
        return Results.Json(new { relationshipId = id, status = "approved" });
    }

    static async Task<IResult> AdvanceTime(HttpContext http, SimulatedCloud cloud, WebhookDelivery delivery)
    {
        JsonObject? body = await Graph.DirectoryEndpoints.ReadBody(http);
        if (!TimeSpan.TryParse(body?["by"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out TimeSpan by) || by < TimeSpan.Zero)
        {
            return Results.Problem(statusCode: 400, title: "'by' must be a non-negative TimeSpan, e.g. \"90.00:00:00\".");
        }

        cloud.Clock.Advance(by);

        // Time jumps can cross several transitions (active → expiring → expired): run the engine until nothing changes.
        for (int i = 0; i < 5; i++)
        {
            cloud.Clock.Advance(cloud.Options.Deprovisioning);
            delivery.RunDue();
        }

        return Results.Json(new { now = cloud.Clock.UtcNow, offset = cloud.Clock.Offset });
    }

    /// <summary>The customer's own administrator applies the documented fix: exclude service provider users of this partner.</summary>
    static IResult ExcludeServiceProviders(string tenantId, string policyId, SimulatedCloud cloud) => cloud.Locked(c =>
    {
        if (!Guid.TryParse(tenantId, out Guid id) || !c.Tenants.TryGetValue(id, out Tenant? tenant)
            || !Guid.TryParse(policyId, out Guid pid) || !tenant.Policies.TryGetValue(pid, out ConditionalAccessPolicy? policy))
        {
            return Results.Problem(statusCode: 404, title: $"Policy '{policyId}' does not exist in tenant '{tenantId}'.");
        }

        policy.ExcludeGuestOrExternalUserTypes = "serviceProvider";
        policy.ExcludeExternalTenants = [c.Partner.Id.ToString()];
        return Results.NoContent();
    });

    static async Task<IResult> AddBlockingPolicy(string tenantId, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await Graph.DirectoryEndpoints.ReadBody(http);
        string name = body?["displayName"]?.GetValue<string>() ?? "Require MFA for all users";
        return cloud.Locked(c =>
        {
            if (!Guid.TryParse(tenantId, out Guid id) || !c.Tenants.TryGetValue(id, out Tenant? tenant) || tenant.IsPartner)
            {
                return Results.Problem(statusCode: 404, title: $"Customer tenant '{tenantId}' does not exist.");
            }

            ConditionalAccessPolicy policy = new() { Id = Guid.NewGuid(), DisplayName = name };
            tenant.Policies[policy.Id] = policy;
            return Results.Json(new { id = policy.Id, displayName = policy.DisplayName }, statusCode: 201);
        });
    }
}
