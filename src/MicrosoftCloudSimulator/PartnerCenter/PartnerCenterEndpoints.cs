using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.Graph;
using MicrosoftCloudSimulator.State;
using MicrosoftCloudSimulator.Webhooks;

namespace MicrosoftCloudSimulator.PartnerCenter;

/// <summary>
/// Partner Center REST under <c>/partnercenter</c> (the host's root in production): <c>/v1/customers</c>,
/// <c>/v1/customers/{id}/applicationconsents</c> and <c>/webhooks/v1/registration</c>. Errors use Partner Center's
/// <c>{code, description, errorName, data, source}</c> shape.
/// </summary>
public static class PartnerCenterEndpoints
{
    public static readonly string[] SupportedEvents =
    [
        "test-created", "subscription-updated", "granular-admin-relationship-approved", "granular-admin-relationship-activated",
        "granular-admin-relationship-terminated", "granular-admin-relationship-expired", "granular-admin-access-assignment-created",
        "granular-admin-access-assignment-activated", "granular-admin-access-assignment-updated", "granular-admin-access-assignment-deleted",
    ];

    public static void MapPartnerCenter(this RouteGroupBuilder pc)
    {
        pc.MapGet("/v1/customers", ListCustomers);
        pc.MapGet("/v1/customers/{id}", GetCustomer);
        pc.MapPost("/v1/customers/{id}/applicationconsents", Consent);
        pc.MapDelete("/v1/customers/{id}/applicationconsents/{applicationId}", RemoveConsent);
        pc.MapGet("/webhooks/v1/registration/events", (HttpContext http) => Partner(http) ?? Results.Json(SupportedEvents));
        pc.MapGet("/webhooks/v1/registration", GetRegistration);
        pc.MapPost("/webhooks/v1/registration", (HttpContext http, SimulatedCloud cloud, WebhookDelivery delivery) => Register(http, cloud, delivery, create: true));
        pc.MapPut("/webhooks/v1/registration", (HttpContext http, SimulatedCloud cloud, WebhookDelivery delivery) => Register(http, cloud, delivery, create: false));
        pc.MapDelete("/webhooks/v1/registration", DeleteRegistration);
        pc.MapPost("/webhooks/v1/registration/validationEvents", SendTestEvent);
    }

    /// <summary>A body property by name, ignoring case: Partner Center (Newtonsoft) binds <c>webhookUrl</c> and <c>WebhookUrl</c> alike.</summary>
    static JsonNode? Field(JsonNode? node, string name) =>
        node is JsonObject o ? o.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value : null;

    public static IResult Error(int status, int code, string errorName, string description) =>
        Results.Json(new { code, description, errorName, data = Array.Empty<object>(), source = "PartnerFD" }, statusCode: status);

    /// <summary>Partner Center is the partner's API: a token from any other tenant is refused.</summary>
    static IResult? Partner(HttpContext http) =>
        http.RequestServices.GetRequiredService<SimulatedCloud>().Locked(c => http.Caller().TenantId == c.Partner.Id)
            ? null
            : Error(403, 600006, "Forbidden", "The caller is not a partner in this Partner Center account.");

    static IResult ListCustomers(HttpContext http, SimulatedCloud cloud)
    {
        if (Partner(http) is { } denied)
        {
            return denied;
        }

        int size = int.TryParse(http.Request.Query["size"], out int s) ? Math.Clamp(s, 1, 500) : 500;
        int offset = int.TryParse(http.Request.Headers["MS-ContinuationToken"], out int o) ? o : 0;
        List<Tenant> all = cloud.Locked(c => c.Tenants.Values.Where(t => !t.IsPartner).OrderBy(t => t.DisplayName).ToList());
        List<object> items = [.. all.Skip(offset).Take(size).Select(CustomerJson)];
        Dictionary<string, object> links = new() { ["self"] = new { uri = $"/v1/customers?size={size}", method = "GET", headers = Array.Empty<object>() } };
        if (offset + size < all.Count)
        {
            links["next"] = new { uri = $"/v1/customers?size={size}&seekOperation=Next", method = "GET", headers = new[] { new { key = "MS-ContinuationToken", value = (offset + size).ToString(System.Globalization.CultureInfo.InvariantCulture) } } };
        }

        return Results.Json(new { totalCount = items.Count, items, links, attributes = new { objectType = "Collection" } });
    }

    static IResult GetCustomer(string id, HttpContext http, SimulatedCloud cloud) => Partner(http)
        ?? cloud.Locked(c => Guid.TryParse(id, out Guid tid) && c.Tenants.TryGetValue(tid, out Tenant? t) && !t.IsPartner
            ? Results.Json(CustomerJson(t))
            : Error(404, 600002, "CustomerNotFound", $"Customer '{id}' was not found."));

    static async Task<IResult> Consent(string id, HttpContext http, SimulatedCloud cloud)
    {
        if (Partner(http) is { } denied)
        {
            return denied;
        }

        if (http.Caller().IsAppOnly)
        {
            return Error(401, 900417, "Unauthorized", "App-only authentication is not supported for this operation; use App+User authentication.");
        }

        // Application consent is an Admin Agent's act; the exact Partner Center error for a non-agent is not documented.
        if (cloud.Locked(c => !GdapAccess.IsMfaAdminAgent(c, http.Caller().UserId ?? Guid.Empty)))
        {
            return Error(403, 900423, "Forbidden", "The user (principal) does not have the required permissions to perform the specified action on the resource.");
        }

        JsonObject? body = await DirectoryEndpoints.ReadBody(http);
        if (!Guid.TryParse(Field(body, "applicationId")?.GetValue<string>(), out Guid applicationId) || Field(body, "applicationGrants") is not JsonArray grants || grants.Count == 0)
        {
            return Error(400, 600008, "InvalidInput", "applicationId and at least one applicationGrant are required.");
        }

        List<(Guid EnterpriseApplicationId, string Scope)> requested = [];
        foreach (JsonNode? grant in grants)
        {
            if (!Guid.TryParse(Field(grant, "enterpriseApplicationId")?.GetValue<string>(), out Guid resource) || string.IsNullOrWhiteSpace(Field(grant, "scope")?.GetValue<string>()))
            {
                return Error(400, 600008, "InvalidInput", "Each applicationGrant needs an enterpriseApplicationId and a comma-separated scope.");
            }

            requested.Add((resource, Field(grant, "scope")!.GetValue<string>()));
        }

        return cloud.Locked(c =>
        {
            if (!Guid.TryParse(id, out Guid tid) || !c.Tenants.TryGetValue(tid, out Tenant? customer) || customer.IsPartner)
            {
                return Error(404, 600002, "CustomerNotFound", $"Customer '{id}' was not found.");
            }

            // A scope the resource does not publish cannot be granted. Partner Center's exact answer is not documented
            // ([UNVERIFIED]): the strictest reading refuses the whole consent (learn.microsoft.com/graph/permissions-reference
            // lists what Graph publishes; the seed's partner tenant holds each resource's service principal with its list).
            foreach ((Guid resourceAppId, string scope) in requested)
            {
                List<string>? published = c.Partner.ServicePrincipals.Values.FirstOrDefault(sp => sp.AppId == resourceAppId)?.PublishedScopes;
                string[] unknown = published is { Count: > 0 } ? [.. scope.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(s => !published.Contains(s, StringComparer.OrdinalIgnoreCase))] : [];
                if (unknown.Length > 0)
                {
                    return Error(400, 600008, "InvalidInput", $"The scope(s) {string.Join(", ", unknown)} are not permissions of application {resourceAppId}.");
                }
            }

            // The calling user must hold, in this customer and through GDAP that has propagated there, Application
            // Administrator (or Cloud Application Administrator) and Privileged Role Administrator. Sources: CIPP
            // Set-CIPPCPVConsent.ps1 and the GDAP roles it requires; Rewst's troubleshooting ("Delegated admin consent
            // creation failed - Forbidden - GDAP relationship configuration needed": the user is not in the right
            // groups, or the roles have not propagated yet). An active relationship alone is not enough.
            IReadOnlyList<Guid> held = GdapAccess.RolesOf(c, http.Caller().UserId!.Value, tid);
            bool appAdmin = held.Contains(DirectoryRoles.GlobalAdministrator)
                || (held.Intersect([DirectoryRoles.ApplicationAdministrator, DirectoryRoles.CloudApplicationAdministrator]).Any() && held.Contains(DirectoryRoles.PrivilegedRoleAdministrator));
            if (!appAdmin)
            {
                return Error(403, 600043, "Forbidden",
                    "Delegated admin consent creation failed - Forbidden - GDAP relationship configuration needed: the user must hold Application Administrator "
                    + "(or Cloud Application Administrator) and Privileged Role Administrator in this customer through an active GDAP access assignment.");
            }

            if (GdapAccess.BlockingPolicy(c, tid) is not null)
            {
                return Error(400, 600045, "BadRequest",
                    "Delegated admin consent creation failed: Access has been blocked by Conditional Access Policies.");
            }

            if (c.Consents.Any(x => x.CustomerTenantId == tid && x.ApplicationId == applicationId))
            {
                return Error(409, 600041, "Conflict", "Permission entry already exists.");
            }

            ServicePrincipal client = Consents.EnsureServicePrincipal(c, customer, applicationId);
            foreach ((Guid resourceAppId, string scope) in requested)
            {
                ServicePrincipal resource = Consents.EnsureServicePrincipal(c, customer, resourceAppId);
                PermissionGrant grant = new() { Id = Guid.NewGuid(), ClientId = client.Id, ResourceId = resource.Id, ConsentType = "AllPrincipals", Scope = scope.Replace(',', ' ') };
                customer.Grants[grant.Id] = grant;
            }

            c.Consents.Add(new ApplicationConsent { CustomerTenantId = tid, ApplicationId = applicationId, DisplayName = Field(body, "displayName")?.GetValue<string>() ?? client.DisplayName, Grants = requested });
            return Results.Json(
                new { applicationId, displayName = Field(body, "displayName")?.GetValue<string>(), applicationGrants = requested.Select(g => new { enterpriseApplicationId = g.EnterpriseApplicationId, scope = g.Scope }) },
                statusCode: 201);
        });
    }

    static IResult RemoveConsent(string id, string applicationId, HttpContext http, SimulatedCloud cloud) => Partner(http) ?? cloud.Locked(c =>
    {
        ApplicationConsent? consent = c.Consents.FirstOrDefault(x => x.CustomerTenantId.ToString() == id && x.ApplicationId.ToString() == applicationId);
        if (consent is null)
        {
            return Error(404, 600002, "NotFound", "No consent exists for this application in this customer.");
        }

        c.Consents.Remove(consent);
        Tenant customer = c.Tenants[consent.CustomerTenantId];
        foreach (ServicePrincipal sp in customer.ServicePrincipals.Values.Where(sp => sp.AppId == consent.ApplicationId).ToList())
        {
            customer.ServicePrincipals.Remove(sp.Id);
            foreach (PermissionGrant grant in customer.Grants.Values.Where(g => g.ClientId == sp.Id).ToList())
            {
                customer.Grants.Remove(grant.Id);
            }
        }

        return Results.NoContent();
    });

    static IResult GetRegistration(HttpContext http, SimulatedCloud cloud) => Partner(http) ?? cloud.Locked(c => c.Webhook is { } w
        ? Results.Json(new { SubscriberId = w.SubscriberId, WebhookUrl = w.WebhookUrl, WebhookEvents = w.WebhookEvents, lastModifiedTimestamp = w.LastModifiedTimestamp })
        : Error(404, 800002, "NotFound", "No webhook registration exists for this partner."));

    static async Task<IResult> Register(HttpContext http, SimulatedCloud cloud, WebhookDelivery delivery, bool create)
    {
        if (Partner(http) is { } denied)
        {
            return denied;
        }

        JsonObject? body = await DirectoryEndpoints.ReadBody(http);
        if (!Uri.TryCreate(Field(body, "WebhookUrl")?.GetValue<string>(), UriKind.Absolute, out Uri? url) || url.Scheme is not ("https" or "http"))
        {
            return Error(400, 800001, "InvalidInput", "WebhookUrl must be an absolute http(s) URL.");
        }

        List<string> events = [.. (Field(body, "WebhookEvents")?.AsArray() ?? []).Select(e => e!.GetValue<string>())];
        if (events.FirstOrDefault(e => !SupportedEvents.Contains(e)) is string unknown)
        {
            return Error(400, 800001, "InvalidInput", $"The event '{unknown}' is not supported.");
        }

        delivery.SignatureInMsSignatureHeader = Field(body, "SignatureTokenToMsSignatureHeader")?.GetValue<bool>() == true;
        return cloud.Locked(c =>
        {
            if (create == (c.Webhook is not null))
            {
                return create
                    ? Error(409, 800003, "Conflict", "A webhook registration already exists; update it with PUT.")
                    : Error(404, 800002, "NotFound", "No webhook registration exists; create it with POST.");
            }

            c.Webhook ??= new WebhookRegistration { SubscriberId = Guid.NewGuid(), WebhookUrl = url, WebhookEvents = events };
            c.Webhook.WebhookUrl = url;
            c.Webhook.WebhookEvents = events;
            c.Webhook.LastModifiedTimestamp = c.Clock.UtcNow;
            return Results.Json(new { SubscriberId = c.Webhook.SubscriberId, WebhookUrl = url, WebhookEvents = events });
        });
    }

    static IResult DeleteRegistration(HttpContext http, SimulatedCloud cloud) => Partner(http) ?? cloud.Locked(c =>
    {
        bool existed = c.Webhook is not null;
        c.Webhook = null;
        return existed ? Results.NoContent() : Error(404, 800002, "NotFound", "No webhook registration exists for this partner.");
    });

    static IResult SendTestEvent(HttpContext http, SimulatedCloud cloud) => Partner(http) ?? cloud.Locked(c =>
    {
        if (c.Webhook?.WebhookEvents.Contains("test-created") != true)
        {
            return Error(400, 800004, "InvalidInput", "Register for the 'test-created' event to send validation events.");
        }

        Guid correlationId = Guid.NewGuid();
        c.Raise("test-created", $"https://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/{correlationId}");
        return Results.Json(new { correlationId });
    });

    static object CustomerJson(Tenant t) => new
    {
        id = t.Id,
        companyProfile = new { tenantId = t.Id, domain = t.Domain, companyName = t.DisplayName, attributes = new { objectType = "CustomerCompanyProfile" } },
        relationshipToPartner = "reseller",
        allowDelegatedAccess = true,
        links = new { self = new { uri = $"/customers/{t.Id}", method = "GET", headers = Array.Empty<object>() } },
        attributes = new { objectType = "Customer" },
    };
}
