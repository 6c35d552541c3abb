using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.KeyVault;
using MicrosoftCloudSimulator.State;

namespace MicrosoftCloudSimulator.Control;

/// <summary>
/// What a partner's administrator changes by hand in the portals, for tests of the product's readiness report: the app's
/// secret nearing expiry, a permission whose admin consent was revoked, the service account's own directory roles, a
/// missing first-party service principal, a vault secret the app may not read. No Microsoft rule: <c>/_sim</c> is the
/// simulator's control surface.
/// </summary>
public static class PartnerSetupControls
{
    public static void MapPartnerSetup(this RouteGroupBuilder sim)
    {
        sim.MapPost("/apps/{appId}/secret-expiry", SetSecretExpiry);
        sim.MapPost("/apps/{appId}/revoke", Revoke);
        sim.MapPost("/apps/{appId}/grant", Grant);
        sim.MapPost("/partner/users/{user}/directory-roles/{roleId}", (string user, string roleId, SimulatedCloud cloud) => SetDirectoryRole(user, roleId, cloud, held: true));
        sim.MapDelete("/partner/users/{user}/directory-roles/{roleId}", (string user, string roleId, SimulatedCloud cloud) => SetDirectoryRole(user, roleId, cloud, held: false));
        sim.MapDelete("/partner/service-principals/{appId}", RemoveServicePrincipal);
        sim.MapPost("/vault/secrets/{name}/no-access", (string name, SimulatedVault vault) =>
        {
            vault.Refuse(name, "getSecret");
            return Results.NoContent();
        });
    }

    /// <summary><c>{"in": "10.00:00:00"}</c>: the app's secret expires that long after the simulated now (negative: already expired).</summary>
    static async Task<IResult> SetSecretExpiry(string appId, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await Graph.DirectoryEndpoints.ReadBody(http);
        if (!TimeSpan.TryParse(body?["in"]?.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out TimeSpan until))
        {
            return Results.Problem(statusCode: 400, title: "'in' must be a TimeSpan, e.g. \"10.00:00:00\" or \"-1.00:00:00\".");
        }

        return WithApp(appId, cloud, (c, app) =>
        {
            app.SecretEndDateTime = c.Clock.UtcNow + until;
            return Results.Json(new { appId = app.AppId, endDateTime = app.SecretEndDateTime });
        });
    }

    /// <summary>
    /// <c>{"permission": "Group.ReadWrite.All"}</c> revokes an application permission's admin consent in the partner tenant;
    /// with <c>"resource": "https://api.partnercenter.microsoft.com"</c> a delegated one for that API.
    /// </summary>
    static async Task<IResult> Revoke(string appId, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await Graph.DirectoryEndpoints.ReadBody(http);
        if (body?["permission"]?.GetValue<string>() is not { Length: > 0 } permission)
        {
            return Results.Problem(statusCode: 400, title: "'permission' is required.");
        }

        string? resource = body["resource"]?.GetValue<string>();
        return WithApp(appId, cloud, (_, app) =>
        {
            bool removed = resource is null
                ? app.Roles.RemoveAll(r => string.Equals(r, permission, StringComparison.OrdinalIgnoreCase)) > 0
                : app.DelegatedScopes.TryGetValue(resource, out List<string>? scopes) && scopes.RemoveAll(s => string.Equals(s, permission, StringComparison.OrdinalIgnoreCase)) > 0;
            return removed ? Results.NoContent() : Results.Problem(statusCode: 404, title: $"The app holds no consented '{permission}'{(resource is null ? string.Empty : " for " + resource)}.");
        });
    }

    /// <summary>
    /// <c>{"permission": "Mail.Read"}</c> adds an application permission to the app registration and admin-consents it in the
    /// partner tenant — as a partner does when a new integration needs it; customers consented before do not hold it.
    /// </summary>
    static async Task<IResult> Grant(string appId, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await Graph.DirectoryEndpoints.ReadBody(http);
        if (body?["permission"]?.GetValue<string>() is not { Length: > 0 } permission)
        {
            return Results.Problem(statusCode: 400, title: "'permission' is required.");
        }

        return WithApp(appId, cloud, (_, app) =>
        {
            if (!app.Roles.Contains(permission, StringComparer.OrdinalIgnoreCase))
            {
                app.Roles.Add(permission);
            }

            return Results.NoContent();
        });
    }

    static IResult SetDirectoryRole(string user, string roleId, SimulatedCloud cloud, bool held) => cloud.Locked(c =>
    {
        User? found = c.Partner.Users.Values.FirstOrDefault(u => u.Id.ToString() == user || string.Equals(u.UserPrincipalName, user, StringComparison.OrdinalIgnoreCase));
        if (found is null || !Guid.TryParse(roleId, out Guid role))
        {
            return Results.Problem(statusCode: 404, title: $"No partner user '{user}', or '{roleId}' is not a role template ID.");
        }

        _ = held ? found.DirectoryRoles.Add(role) : found.DirectoryRoles.Remove(role);
        return Results.NoContent();
    });

    static IResult RemoveServicePrincipal(string appId, SimulatedCloud cloud) => cloud.Locked(c =>
    {
        ServicePrincipal? sp = c.Partner.ServicePrincipals.Values.FirstOrDefault(s => s.AppId.ToString() == appId);
        return sp is not null && c.Partner.ServicePrincipals.Remove(sp.Id)
            ? Results.NoContent()
            : Results.Problem(statusCode: 404, title: $"No service principal of app {appId} in the partner tenant.");
    });

    static IResult WithApp(string appId, SimulatedCloud cloud, Func<SimulatedCloud, AppRegistration, IResult> change) => cloud.Locked(c =>
        Guid.TryParse(appId, out Guid id) && c.Partner.Apps.TryGetValue(id, out AppRegistration? app)
            ? change(c, app)
            : Results.Problem(statusCode: 404, title: $"No app {appId} in the partner tenant."));
}
