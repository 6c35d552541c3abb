using System.Net;
using MicrosoftCloudSimulator.State;

namespace MicrosoftCloudSimulator.Login;

/// <summary>An admin-consent request as a customer's administrator opened it.</summary>
/// <param name="Id">The simulator's handle for it.</param>
/// <param name="TenantId">The customer tenant.</param>
/// <param name="AppId">The app asking.</param>
/// <param name="RedirectUri">Where the answer goes (registered on the app).</param>
/// <param name="State">The client's state, returned as is.</param>
/// <param name="Scope">The scope asked for.</param>
public sealed record AdminConsentRequest(Guid Id, Guid TenantId, Guid AppId, string RedirectUri, string? State, string Scope);

/// <summary>
/// The Microsoft identity platform's admin-consent endpoint (learn.microsoft.com/entra/identity-platform/v2-admin-consent):
/// <c>GET /{tenant}/v2.0/adminconsent?client_id&amp;scope&amp;redirect_uri&amp;state</c>. Entra then asks an administrator of
/// the tenant to sign in and approve; here <c>POST /_sim/admin-consent/{id}</c> plays that person (approve, decline, or a
/// user who is not an administrator) and answers with the redirect the browser would follow. A request naming an
/// unregistered redirect URI gets an error page and never a redirect (AADSTS50011), as Entra protects the client.
/// </summary>
public static class AdminConsent
{
    public static void MapAdminConsent(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{tenant}/v2.0/adminconsent", Open);
        app.MapPost("/_sim/admin-consent/{id}", Answer);
        app.MapPost("/_sim/apps/{appId}/redirect-uris", async (string appId, HttpContext http, SimulatedCloud cloud) =>
        {
            string? uri = (await Graph.DirectoryEndpoints.ReadBody(http))?["uri"]?.GetValue<string>();
            return cloud.Locked(c => Guid.TryParse(appId, out Guid id) && c.Partner.Apps.TryGetValue(id, out AppRegistration? registered) && uri is { Length: > 0 }
                ? Add(registered, uri)
                : Results.Problem(statusCode: 404, title: $"No app {appId} in the partner tenant, or no 'uri'."));
        });
    }

    static IResult Add(AppRegistration app, string uri)
    {
        if (!app.RedirectUris.Contains(uri, StringComparer.Ordinal))
        {
            app.RedirectUris.Add(uri);
        }

        return Results.NoContent();
    }

    static IResult Open(string tenant, HttpRequest request, SimulatedCloud cloud) => cloud.Locked(c =>
    {
        string clientId = request.Query["client_id"].ToString(), redirect = request.Query["redirect_uri"].ToString(), scope = request.Query["scope"].ToString();
        Tenant? target = c.FindTenant(tenant);
        if (target is null || target.IsPartner)
        {
            return Page(400, $"AADSTS90002: Tenant '{WebUtility.HtmlEncode(tenant)}' not found.");
        }

        if (!Guid.TryParse(clientId, out Guid appId) || !c.Partner.Apps.TryGetValue(appId, out AppRegistration? app))
        {
            return Page(400, $"AADSTS700016: Application with identifier '{WebUtility.HtmlEncode(clientId)}' was not found in the directory '{WebUtility.HtmlEncode(target.DisplayName)}'.");
        }

        if (!app.RedirectUris.Contains(redirect, StringComparer.Ordinal))
        {
            return Page(400, $"AADSTS50011: The redirect URI '{WebUtility.HtmlEncode(redirect)}' specified in the request does not match the redirect URIs configured for the application '{app.AppId}'.");
        }

        if (string.IsNullOrWhiteSpace(scope))
        {
            return Page(400, "AADSTS900144: The request body must contain the following parameter: 'scope'.");
        }

        AdminConsentRequest opened = new(Guid.NewGuid(), target.Id, app.AppId, redirect, request.Query["state"].FirstOrDefault(), scope);
        c.AdminConsentRequests[opened.Id] = opened;
        return Page(200, $"Sign in as an administrator of {WebUtility.HtmlEncode(target.DisplayName)} to let {WebUtility.HtmlEncode(app.DisplayName)} access your organization. (Simulator: POST /_sim/admin-consent/{opened.Id} with {{\"answer\": \"approve\" | \"decline\" | \"notAdmin\"}}.)", opened.Id);
    });

    /// <summary>The administrator's answer: <c>approve</c> grants the app's permissions tenant-wide; <c>decline</c> and <c>notAdmin</c> grant nothing.</summary>
    static async Task<IResult> Answer(string id, HttpContext http, SimulatedCloud cloud)
    {
        string answer = (await Graph.DirectoryEndpoints.ReadBody(http))?["answer"]?.GetValue<string>() ?? string.Empty;
        return cloud.Locked(c =>
        {
            if (!Guid.TryParse(id, out Guid requestId) || !c.AdminConsentRequests.Remove(requestId, out AdminConsentRequest? open))
            {
                return Results.Problem(statusCode: 404, title: $"No open admin-consent request '{id}'.");
            }

            Dictionary<string, string?> query = answer switch
            {
                // Success: admin_consent=True, tenant, scope, state (v2-admin-consent, "Successful response").
                "approve" => new() { ["admin_consent"] = "True", ["tenant"] = open.TenantId.ToString(), ["scope"] = open.Scope },

                // The administrator cancelled: access_denied with AADSTS65004 (reference-error-codes: "User declined to consent to access the app").
                "decline" => new() { ["error"] = "access_denied", ["error_subcode"] = "cancel", ["error_description"] = "AADSTS65004: User declined to consent to access the app." },

                // A user who may not consent for the organization (reference-error-codes AADSTS90094: "The grant requires admin permission").
                "notAdmin" => new() { ["error"] = "access_denied", ["error_description"] = "AADSTS90094: The grant requires admin permission." },
                _ => [],
            };
            if (query.Count == 0)
            {
                c.AdminConsentRequests[open.Id] = open;
                return Results.Problem(statusCode: 400, title: "'answer' must be approve, decline or notAdmin.");
            }

            if (answer == "approve")
            {
                Grant(c, open);
            }

            query["state"] = open.State;
            return Results.Json(new { redirect = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(open.RedirectUri, query) });
        });
    }

    /// <summary>
    /// Admin consent with <c>/.default</c> grants what the app registration requires: its application permissions as app role
    /// assignments of its service principal in the tenant (so app-only tokens there carry them), and its delegated Graph
    /// permissions as an AllPrincipals grant (v2-admin-consent: "/.default … requests consent to all scopes in the required permissions").
    /// </summary>
    static void Grant(SimulatedCloud cloud, AdminConsentRequest open)
    {
        Tenant customer = cloud.Tenants[open.TenantId];
        AppRegistration app = cloud.Partner.Apps[open.AppId];
        ServicePrincipal client = Consents.EnsureServicePrincipal(cloud, customer, app.AppId);
        foreach (string role in app.Roles.Where(r => !client.AppRoles.Contains(r)))
        {
            client.AppRoles.Add(role);
        }

        if (app.DelegatedScopes.GetValueOrDefault(AccessTokens.GraphAudience) is { Count: > 0 } scopes)
        {
            ServicePrincipal graph = Consents.EnsureServicePrincipal(cloud, customer, Guid.Parse("00000003-0000-0000-c000-000000000000"));
            if (!customer.Grants.Values.Any(g => g.ClientId == client.Id && g.ResourceId == graph.Id && g.ConsentType == "AllPrincipals"))
            {
                PermissionGrant grant = new() { Id = Guid.NewGuid(), ClientId = client.Id, ResourceId = graph.Id, ConsentType = "AllPrincipals", Scope = string.Join(' ', scopes) };
                customer.Grants[grant.Id] = grant;
            }
        }
    }

    static IResult Page(int status, string message, Guid? requestId = null) => Results.Content(
        $"<!doctype html><html><head><title>Microsoft identity platform (simulated)</title></head><body><p>{message}</p>{(requestId is { } id ? $"<p id=\"request\">{id}</p>" : string.Empty)}</body></html>",
        "text/html",
        statusCode: status);
}
