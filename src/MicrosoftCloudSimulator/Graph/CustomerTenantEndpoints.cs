using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.State;
using static MicrosoftCloudSimulator.Graph.DirectoryEndpoints;
using static MicrosoftCloudSimulator.Graph.GraphProtocol;

namespace MicrosoftCloudSimulator.Graph;

/// <summary>
/// Graph as seen from inside a customer tenant (token issued by the customer's authority): the role assignments GDAP
/// creates (principals carry the partner's <c>organizationId</c>), service principals, delegated grants, Conditional
/// Access policies, and <c>organization</c> for a smoke call.
/// </summary>
public static class CustomerTenantEndpoints
{
    public static void MapCustomerTenant(this RouteGroupBuilder graph)
    {
        graph.MapGet("/organization", Organization);
        graph.MapGet("/roleManagement/directory/roleAssignments", RoleAssignments);
        graph.MapGet("/servicePrincipals", ListServicePrincipals);
        graph.MapPost("/servicePrincipals", CreateServicePrincipal);
        graph.MapGet("/servicePrincipals/{id}", GetServicePrincipal);
        graph.MapGet("/oauth2PermissionGrants", ListGrants);
        graph.MapPost("/oauth2PermissionGrants", CreateGrant);
        graph.MapPatch("/oauth2PermissionGrants/{id}", UpdateGrant);
        graph.MapDelete("/oauth2PermissionGrants/{id}", DeleteGrant);
        graph.MapGet("/identity/conditionalAccess/policies", ListPolicies);
        graph.MapGet("/identity/conditionalAccess/policies/{id}", GetPolicy);
        graph.MapPatch("/identity/conditionalAccess/policies/{id}", UpdatePolicy);
    }

    static Tenant TenantOf(SimulatedCloud cloud, HttpContext http) => cloud.Tenants[http.Caller().TenantId];

    static readonly string[] ReadDirectory = ["Directory.Read.All", "Directory.ReadWrite.All"];
    static readonly string[] ReadApplications = ["Application.Read.All", "Application.ReadWrite.All", .. ReadDirectory];
    static readonly string[] ReadPolicies = ["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess", .. ReadDirectory];

    /// <summary>learn.microsoft.com/graph/api/organization-get: delegated User.Read, application Organization.Read.All.</summary>
    static IResult Organization(HttpContext http, SimulatedCloud cloud) =>
        Require(http.Caller(), ["User.Read", "Organization.Read.All", "Organization.ReadWrite.All", .. ReadDirectory]) ?? cloud.Locked(c =>
    {
        Tenant tenant = TenantOf(c, http);
        JsonObject org = new()
        {
            ["id"] = tenant.Id.ToString(),
            ["displayName"] = tenant.DisplayName,
            ["verifiedDomains"] = new JsonArray(new JsonObject { ["name"] = tenant.Domain, ["isDefault"] = true, ["isInitial"] = true, ["type"] = "Managed" }),
            ["assignedPlans"] = new JsonArray([.. tenant.Licenses.Select(l => (JsonNode)new JsonObject { ["service"] = l, ["capabilityStatus"] = "Enabled" })]),
        };
        return Page(http.Request, $"{Base(http)}/$metadata#organization", [org], 100, 100);
    });

    static IResult RoleAssignments(HttpContext http, SimulatedCloud cloud)
    {
        if (Authorize(http, cloud, ["RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory", .. ReadDirectory], DirectoryRoles.ReadRoleAssignments) is { } denied)
        {
            return denied;
        }

        bool expand = http.Request.Query["$expand"].ToString().Contains("principal", StringComparison.OrdinalIgnoreCase);
        return Filtered(http.Request, filter => cloud.Locked(c =>
        {
            Tenant tenant = TenantOf(c, http);

            // In a customer: the partner groups' roles GDAP brought there. In the partner's own tenant: its users' directory
            // roles (e.g. the service account still holding Global Administrator after setup).
            IEnumerable<(Guid PrincipalId, string Type, string? Name, Guid Role)> held = tenant.IsPartner
                ? tenant.Users.Values.SelectMany(u => u.DirectoryRoles.Select(role => (u.Id, "#microsoft.graph.user", (string?)u.DisplayName, role)))
                : GdapAccess.ActiveGrants(c, tenant.Id).SelectMany(g => g.Roles.Select(role => (g.GroupId, "#microsoft.graph.group", c.Partner.Groups.GetValueOrDefault(g.GroupId)?.DisplayName, role)));
            List<JsonObject> assignments = [];
            foreach ((Guid principalId, string type, string? name, Guid role) in held)
            {
                JsonObject assignment = new()
                {
                    ["id"] = $"{principalId:N}{role:N}",
                    ["principalId"] = principalId.ToString(),
                    ["roleDefinitionId"] = role.ToString(),
                    ["directoryScopeId"] = "/",
                };
                if (expand)
                {
                    assignment["principal"] = new JsonObject
                    {
                        ["@odata.type"] = type,
                        ["id"] = principalId.ToString(),
                        ["displayName"] = name,
                        ["organizationId"] = c.Partner.Id.ToString(),
                    };
                }

                if (Matches(filter, p => p.ToLowerInvariant() switch { "roledefinitionid" => role.ToString(), "principalid" => principalId.ToString(), _ => null }))
                {
                    assignments.Add(assignment);
                }
            }

            return Page(http.Request, $"{Base(http)}/$metadata#roleManagement/directory/roleAssignments", assignments, 100, 999);
        }));
    }

    static IResult ListServicePrincipals(HttpContext http, SimulatedCloud cloud) => Authorize(http, cloud, ReadApplications, DirectoryRoles.ReadServicePrincipals) ?? Filtered(http.Request, filter =>
            cloud.Locked(c => Page(
                http.Request,
                $"{Base(http)}/$metadata#servicePrincipals",
                [.. TenantOf(c, http).ServicePrincipals.Values
                    .Where(sp => sp.VisibleFrom <= c.Clock.UtcNow)
                    .Where(sp => Matches(filter, p => p.ToLowerInvariant() switch { "appid" => sp.AppId.ToString(), "displayname" => sp.DisplayName, _ => null }))
                    .Select(ToJson)],
                100,
                999)));

    static async Task<IResult> CreateServicePrincipal(HttpContext http, SimulatedCloud cloud)
    {
        if (Authorize(http, cloud, ["Application.ReadWrite.All", "Directory.ReadWrite.All"], DirectoryRoles.ManageApplications) is { } denied)
        {
            return denied;
        }

        JsonObject? body = await ReadBody(http);
        if (!Guid.TryParse(body?["appId"]?.GetValue<string>(), out Guid appId))
        {
            return BadRequest("The appId of the service principal is required.", "Request_BadRequest");
        }

        return cloud.Locked(c =>
        {
            Tenant tenant = TenantOf(c, http);
            if (tenant.ServicePrincipals.Values.Any(sp => sp.AppId == appId))
            {
                return Error(409, "Request_MultipleObjectsWithSameKeyValue", "Another object with the same value for property servicePrincipalNames already exists.");
            }

            ServicePrincipal created = Consents.AddServicePrincipal(c, tenant, appId);
            return Results.Json(ToJson(created), statusCode: 201);
        });
    }

    static IResult GetServicePrincipal(string id, HttpContext http, SimulatedCloud cloud) => Authorize(http, cloud, ReadApplications, DirectoryRoles.ReadServicePrincipals) ?? cloud.Locked(c =>
        Guid.TryParse(id, out Guid spId) && TenantOf(c, http).ServicePrincipals.TryGetValue(spId, out ServicePrincipal? sp) && sp.VisibleFrom <= c.Clock.UtcNow
            ? Results.Json(ToJson(sp))
            : NotFound(id));

    static IResult ListGrants(HttpContext http, SimulatedCloud cloud) => Authorize(http, cloud, ["DelegatedPermissionGrant.ReadWrite.All", .. ReadDirectory], DirectoryRoles.ReadServicePrincipals) ?? Filtered(http.Request, filter =>
            cloud.Locked(c => Page(
                http.Request,
                $"{Base(http)}/$metadata#oauth2PermissionGrants",
                [.. TenantOf(c, http).Grants.Values
                    .Where(g => Matches(filter, p => p.ToLowerInvariant() switch { "clientid" => g.ClientId.ToString(), "resourceid" => g.ResourceId.ToString(), "consenttype" => g.ConsentType, _ => null }))
                    .Select(ToJson)],
                100,
                999)));

    static async Task<IResult> CreateGrant(HttpContext http, SimulatedCloud cloud)
    {
        if (Authorize(http, cloud, ["DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"], DirectoryRoles.GrantPermissions) is { } denied)
        {
            return denied;
        }

        JsonObject? body = await ReadBody(http);
        if (!Guid.TryParse(body?["clientId"]?.GetValue<string>(), out Guid clientId) || !Guid.TryParse(body?["resourceId"]?.GetValue<string>(), out Guid resourceId))
        {
            return BadRequest("clientId and resourceId are required.", "Request_BadRequest");
        }

        return cloud.Locked(c =>
        {
            Tenant tenant = TenantOf(c, http);
            if (!tenant.ServicePrincipals.ContainsKey(clientId) || !tenant.ServicePrincipals.ContainsKey(resourceId))
            {
                return NotFound(tenant.ServicePrincipals.ContainsKey(clientId) ? resourceId.ToString() : clientId.ToString());
            }

            string consentType = body!["consentType"]?.GetValue<string>() ?? "AllPrincipals";
            if (tenant.Grants.Values.Any(g => g.ClientId == clientId && g.ResourceId == resourceId && g.ConsentType == consentType))
            {
                return Error(409, "Request_MultipleObjectsWithSameKeyValue", "Permission entry already exists.");
            }

            PermissionGrant grant = new() { Id = Guid.NewGuid(), ClientId = clientId, ResourceId = resourceId, ConsentType = consentType, Scope = body["scope"]?.GetValue<string>() ?? string.Empty };
            tenant.Grants[grant.Id] = grant;
            return Results.Json(ToJson(grant), statusCode: 201);
        });
    }

    static async Task<IResult> UpdateGrant(string id, HttpContext http, SimulatedCloud cloud)
    {
        if (Authorize(http, cloud, ["DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"], DirectoryRoles.GrantPermissions) is { } denied)
        {
            return denied;
        }

        JsonObject? body = await ReadBody(http);
        return cloud.Locked(c =>
        {
            if (!Guid.TryParse(id, out Guid grantId) || !TenantOf(c, http).Grants.TryGetValue(grantId, out PermissionGrant? grant))
            {
                return NotFound(id);
            }

            grant.Scope = body?["scope"]?.GetValue<string>() ?? grant.Scope;
            return Results.NoContent();
        });
    }

    static IResult DeleteGrant(string id, HttpContext http, SimulatedCloud cloud) =>
        Authorize(http, cloud, ["DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All"], DirectoryRoles.GrantPermissions) ?? cloud.Locked(c =>
        Guid.TryParse(id, out Guid grantId) && TenantOf(c, http).Grants.Remove(grantId) ? Results.NoContent() : NotFound(id));

    static IResult ListPolicies(HttpContext http, SimulatedCloud cloud) => cloud.Locked(c =>
        Authorize(http, c, ReadPolicies, DirectoryRoles.ReadConditionalAccess)
        ?? Page(http.Request, $"{Base(http)}/$metadata#identity/conditionalAccess/policies", [.. TenantOf(c, http).Policies.Values.Select(ToJson)], 100, 999));

    static IResult GetPolicy(string id, HttpContext http, SimulatedCloud cloud) => Authorize(http, cloud, ReadPolicies, DirectoryRoles.ReadConditionalAccess) ?? cloud.Locked(c =>
        Guid.TryParse(id, out Guid policyId) && TenantOf(c, http).Policies.TryGetValue(policyId, out ConditionalAccessPolicy? policy)
            ? Results.Json(ToJson(policy))
            : NotFound(id));

    static async Task<IResult> UpdatePolicy(string id, HttpContext http, SimulatedCloud cloud)
    {
        if (Authorize(http, cloud, ["Policy.ReadWrite.ConditionalAccess"], DirectoryRoles.ManageConditionalAccess) is { } denied)
        {
            return denied;
        }

        JsonObject? body = await ReadBody(http);
        return cloud.Locked(c =>
        {
            if (!Guid.TryParse(id, out Guid policyId) || !TenantOf(c, http).Policies.TryGetValue(policyId, out ConditionalAccessPolicy? policy))
            {
                return NotFound(id);
            }

            policy.DisplayName = body?["displayName"]?.GetValue<string>() ?? policy.DisplayName;
            policy.State = body?["state"]?.GetValue<string>() ?? policy.State;
            if (body?["conditions"]?["users"]?["excludeGuestsOrExternalUsers"] is JsonObject exclude)
            {
                string types = exclude["guestOrExternalUserTypes"]?.GetValue<string>() ?? string.Empty;
                if (types.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Any(t => !KnownGuestTypes.Contains(t)))
                {
                    return BadRequest($"Invalid guestOrExternalUserTypes '{types}'.", "BadRequest");
                }

                policy.ExcludeGuestOrExternalUserTypes = types;
                policy.ExcludeExternalTenants = exclude["externalTenants"]?["membershipKind"]?.GetValue<string>() == "enumerated"
                    ? [.. exclude["externalTenants"]!["members"]!.AsArray().Select(m => m!.GetValue<string>())]
                    : null;
            }

            return Results.NoContent();
        });
    }

    static readonly HashSet<string> KnownGuestTypes = new(StringComparer.Ordinal)
        { "none", "internalGuest", "b2bCollaborationGuest", "b2bCollaborationMember", "b2bDirectConnectUser", "otherExternalUser", "serviceProvider", "unknownFutureValue" };

    static JsonObject ToJson(ServicePrincipal sp) => new()
    {
        ["id"] = sp.Id.ToString(),
        ["appId"] = sp.AppId.ToString(),
        ["displayName"] = sp.DisplayName,
        ["accountEnabled"] = true,
        ["servicePrincipalType"] = "Application",

        // learn.microsoft.com/graph/api/resources/serviceprincipal: "The delegated permissions exposed by the application".
        ["oauth2PermissionScopes"] = new JsonArray([.. sp.PublishedScopes.Select(value => (JsonNode)new JsonObject
        {
            ["id"] = new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes($"{sp.AppId}|{value}"))).ToString(),
            ["isEnabled"] = true,
            ["type"] = "Admin",
            ["value"] = value,
        })]),
    };

    static JsonObject ToJson(PermissionGrant g) => new()
    {
        ["id"] = g.Id.ToString(),
        ["clientId"] = g.ClientId.ToString(),
        ["consentType"] = g.ConsentType,
        ["principalId"] = null,
        ["resourceId"] = g.ResourceId.ToString(),
        ["scope"] = g.Scope,
    };

    static JsonObject ToJson(ConditionalAccessPolicy p) => new()
    {
        ["id"] = p.Id.ToString(),
        ["displayName"] = p.DisplayName,
        ["state"] = p.State,
        ["conditions"] = new JsonObject
        {
            ["users"] = new JsonObject
            {
                ["includeUsers"] = new JsonArray([.. p.IncludeUsers.Select(u => (JsonNode)u)]),
                ["excludeUsers"] = new JsonArray(),
                ["excludeGuestsOrExternalUsers"] = p.ExcludeGuestOrExternalUserTypes is null ? null : new JsonObject
                {
                    ["guestOrExternalUserTypes"] = p.ExcludeGuestOrExternalUserTypes,
                    ["externalTenants"] = p.ExcludeExternalTenants is null
                        ? new JsonObject { ["@odata.type"] = "#microsoft.graph.conditionalAccessAllExternalTenants", ["membershipKind"] = "all" }
                        : new JsonObject
                        {
                            ["@odata.type"] = "#microsoft.graph.conditionalAccessEnumeratedExternalTenants",
                            ["membershipKind"] = "enumerated",
                            ["members"] = new JsonArray([.. p.ExcludeExternalTenants.Select(m => (JsonNode)m)]),
                        },
                },
            },
            ["applications"] = new JsonObject { ["includeApplications"] = new JsonArray("All") },
        },
        ["grantControls"] = new JsonObject { ["operator"] = "OR", ["builtInControls"] = new JsonArray([.. p.BuiltInControls.Select(b => (JsonNode)b)]) },
    };
}
