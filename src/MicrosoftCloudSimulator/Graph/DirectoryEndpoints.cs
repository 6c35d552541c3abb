using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.Login;
using MicrosoftCloudSimulator.State;
using static MicrosoftCloudSimulator.Graph.GraphProtocol;

namespace MicrosoftCloudSimulator.Graph;

/// <summary>Graph <c>groups</c> and <c>users</c> in the caller's tenant.</summary>
public static class DirectoryEndpoints
{
    const string ForbiddenNicknameChars = "@()\\[]\";:.<>, ";

    public static void MapDirectory(this RouteGroupBuilder graph)
    {
        graph.MapPost("/groups", CreateGroup);
        graph.MapGet("/groups", ListGroups);
        graph.MapGet("/groups/{id}", GetGroup);
        graph.MapPost("/groups/{id}/members/$ref", AddMember);
        graph.MapGet("/groups/{id}/members", ListMembers);
        graph.MapDelete("/groups/{id}/members/{memberId}/$ref", RemoveMember);
        graph.MapGet("/users", ListUsers);
        graph.MapGet("/users/{id}", GetUser);
        graph.MapGet("/users/{id}/memberOf", MemberOf);
    }

    /// <summary>403 unless the caller holds one of the permissions.</summary>
    public static IResult? Require(Caller caller, params string[] anyOf) =>
        caller.Permissions.Intersect(anyOf, StringComparer.OrdinalIgnoreCase).Any()
            ? null
            : Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

    /// <summary>
    /// 403 unless the caller holds one of the permissions and, when it is a partner user acting in a customer tenant
    /// through GDAP, one of the directory roles there (or Global Administrator). Graph authorizes a delegated call by both
    /// the token's scopes and the signed-in user's Entra roles ("In delegated scenarios ... the signed-in user must be
    /// assigned a supported Microsoft Entra role", on each API page of learn.microsoft.com/graph/api). A GDAP user's roles
    /// are those of the access assignments that reached the customer (<see cref="GdapAccess.RolesOf"/>). Not simulated: the
    /// directory roles of users in their own tenant (the product signs in to its own tenant app-only).
    /// </summary>
    public static IResult? Authorize(HttpContext http, SimulatedCloud cloud, string[] anyPermission, Guid[] anyRole)
    {
        Caller caller = http.Caller();
        if (Require(caller, anyPermission) is { } denied)
        {
            return denied;
        }

        if (caller.UserId is not Guid user || caller.TenantId == caller.HomeTenantId)
        {
            return null;
        }

        IReadOnlyList<Guid> held = cloud.Locked(c => GdapAccess.RolesOf(c, user, caller.TenantId));
        return held.Contains(DirectoryRoles.GlobalAdministrator) || held.Intersect(anyRole).Any()
            ? null
            : Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    }

    /// <summary>Reading groups: learn.microsoft.com/graph/api/group-list (GroupMember.Read.All least privileged).</summary>
    static readonly string[] ReadGroups = ["GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

    /// <summary>Reading users: learn.microsoft.com/graph/api/user-list (User.ReadBasic.All least privileged).</summary>
    static readonly string[] ReadUsers = ["User.ReadBasic.All", "User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"];

    static Tenant TenantOf(SimulatedCloud cloud, HttpContext http) => cloud.Tenants[http.Caller().TenantId];

    static async Task<IResult> CreateGroup(HttpContext http, SimulatedCloud cloud)
    {
        if (Require(http.Caller(), "Group.ReadWrite.All", "Directory.ReadWrite.All", "Group.Create") is { } denied)
        {
            return denied;
        }

        JsonObject? body = await ReadBody(http);
        if (body is null)
        {
            return BadRequest("Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.", "BadRequest");
        }

        string? displayName = body["displayName"]?.GetValue<string>();
        string? nickname = body["mailNickname"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(displayName) || displayName.Length > 256)
        {
            return BadRequest("Invalid value specified for property 'displayName' of resource 'Group'.", "Request_BadRequest");
        }

        if (string.IsNullOrEmpty(nickname) || nickname.Length > 64 || nickname.Any(c => c > 127 || ForbiddenNicknameChars.Contains(c)))
        {
            return BadRequest("Invalid value specified for property 'mailNickname' of resource 'Group'.", "Request_BadRequest");
        }

        if (body["mailEnabled"] is not JsonValue mailEnabled || body["securityEnabled"] is not JsonValue securityEnabled)
        {
            return BadRequest("A value is required for property 'mailEnabled' and 'securityEnabled' of resource 'Group'.", "Request_BadRequest");
        }

        bool? assignable = body["isAssignableToRole"]?.GetValue<bool>();
        if (assignable == true && !securityEnabled.GetValue<bool>())
        {
            return BadRequest("IsAssignableToRole can only be set on security groups.", "Request_BadRequest");
        }

        List<Guid> bound = [.. (body["members@odata.bind"]?.AsArray() ?? []).Select(m => Guid.Parse(m!.GetValue<string>().TrimEnd('/').Split('/')[^1]))];
        if (bound.Count > 20)
        {
            return BadRequest("The number of members and owners in a group create request cannot exceed 20.", "Request_BadRequest");
        }

        return cloud.Locked(c =>
        {
            Tenant tenant = TenantOf(c, http);
            if (bound.FirstOrDefault(id => !tenant.Users.ContainsKey(id)) is var missing && missing != Guid.Empty)
            {
                return NotFound(missing.ToString());
            }

            DateTimeOffset now = c.Clock.UtcNow;
            Group group = new()
            {
                Id = Guid.NewGuid(),
                DisplayName = displayName,
                MailNickname = nickname,
                Description = body["description"]?.GetValue<string>(),
                SecurityEnabled = securityEnabled.GetValue<bool>(),
                MailEnabled = mailEnabled.GetValue<bool>(),
                IsAssignableToRole = assignable,
                CreatedDateTime = now,
                VisibleFrom = now + c.Faults.ReplicationDelay,
            };
            group.Members.UnionWith(bound);
            tenant.Groups[group.Id] = group;
            return Results.Json(ToJson(group, http), statusCode: 201);
        });
    }

    static IResult ListGroups(HttpContext http, SimulatedCloud cloud) => Require(http.Caller(), ReadGroups) ?? Filtered(http.Request, filter =>
    {
        List<JsonObject> groups = cloud.Locked(c => TenantOf(c, http).Groups.Values
            .Where(g => g.VisibleFrom <= c.Clock.UtcNow)
            .Where(g => Matches(filter, p => p.ToLowerInvariant() switch
            {
                "displayname" => g.DisplayName,
                "mailnickname" => g.MailNickname,
                "securityenabled" => g.SecurityEnabled ? "true" : "false",
                "id" => g.Id.ToString(),
                _ => null,
            }))
            .OrderBy(g => g.CreatedDateTime)
            .Select(g => ToJson(g, null))
            .ToList());
        return Page(http.Request, $"{Base(http)}/$metadata#groups", groups, defaultTop: 100, maxTop: 999);
    });

    static IResult GetGroup(string id, HttpContext http, SimulatedCloud cloud) => Require(http.Caller(), ReadGroups) ?? cloud.Locked(c =>
        FindGroup(c, http, id) is { } group ? Results.Json(ToJson(group, http)) : NotFound(id));

    static async Task<IResult> AddMember(string id, HttpContext http, SimulatedCloud cloud)
    {
        if (Require(http.Caller(), "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All") is { } denied)
        {
            return denied;
        }

        string? reference = (await ReadBody(http))?["@odata.id"]?.GetValue<string>();
        if (reference is null || !Guid.TryParse(reference.TrimEnd('/').Split('/')[^1], out Guid memberId))
        {
            return BadRequest("Invalid object identifier '" + reference + "'.", "Request_BadRequest");
        }

        return cloud.Locked(c =>
        {
            Tenant tenant = TenantOf(c, http);
            if (FindGroup(c, http, id) is not { } group)
            {
                return NotFound(id);
            }

            if (!tenant.Users.ContainsKey(memberId) && !tenant.Groups.ContainsKey(memberId))
            {
                return NotFound(memberId.ToString());
            }

            return group.Members.Add(memberId)
                ? Results.NoContent()
                : BadRequest("One or more added object references already exist for the following modified properties: 'members'.", "Request_BadRequest");
        });
    }

    static IResult RemoveMember(string id, string memberId, HttpContext http, SimulatedCloud cloud) =>
        Require(http.Caller(), "GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All") ?? cloud.Locked(c =>
        FindGroup(c, http, id) is not { } group ? NotFound(id)
        : Guid.TryParse(memberId, out Guid member) && group.Members.Remove(member) ? Results.NoContent()
        : BadRequest("One or more removed object references do not exist for the following modified properties: 'members'.", "Request_BadRequest"));

    static IResult ListMembers(string id, HttpContext http, SimulatedCloud cloud) => Require(http.Caller(), ReadGroups) ?? cloud.Locked(c =>
    {
        if (FindGroup(c, http, id) is not { } group)
        {
            return NotFound(id);
        }

        Tenant tenant = TenantOf(c, http);
        List<JsonObject> members = [.. group.Members.Where(tenant.Users.ContainsKey).Select(m => ToJson(tenant.Users[m], tenant, withType: true))];
        return Page(http.Request, $"{Base(http)}/$metadata#directoryObjects", members, 100, 999);
    });

    static IResult ListUsers(HttpContext http, SimulatedCloud cloud) => Require(http.Caller(), ReadUsers) ?? Filtered(http.Request, filter => cloud.Locked(c =>
        {
            Tenant tenant = TenantOf(c, http);
            List<JsonObject> users = [.. tenant.Users.Values
                .Where(u => Matches(filter, p => p.ToLowerInvariant() switch { "userprincipalname" => u.UserPrincipalName, "displayname" => u.DisplayName, "id" => u.Id.ToString(), _ => null }))
                .Select(u => ToJson(u, tenant, withType: false))];
            return Page(http.Request, $"{Base(http)}/$metadata#users", users, 100, 999);
        }));

    static IResult GetUser(string id, HttpContext http, SimulatedCloud cloud) => Require(http.Caller(), ReadUsers) ?? cloud.Locked(c =>
    {
        Tenant tenant = TenantOf(c, http);
        User? user = FindUser(tenant, id);
        if (user is null)
        {
            return NotFound(id);
        }

        JsonObject json = ToJson(user, tenant, withType: false);
        json["@odata.context"] = $"{Base(http)}/$metadata#users/$entity";
        return Results.Json(json);
    });

    static IResult MemberOf(string id, HttpContext http, SimulatedCloud cloud) => Require(http.Caller(), [.. ReadUsers, .. ReadGroups]) ?? cloud.Locked(c =>
    {
        Tenant tenant = TenantOf(c, http);
        if (FindUser(tenant, id) is not { } user)
        {
            return NotFound(id);
        }

        List<JsonObject> groups = [.. tenant.Groups.Values.Where(g => g.Members.Contains(user.Id)).OrderBy(g => g.DisplayName).Select(g =>
        {
            JsonObject json = ToJson(g, null);
            json["@odata.type"] = "#microsoft.graph.group";
            return json;
        })];
        return Page(http.Request, $"{Base(http)}/$metadata#directoryObjects", groups, 100, 999);
    });

    static Group? FindGroup(SimulatedCloud cloud, HttpContext http, string id) =>
        Guid.TryParse(id, out Guid groupId) && TenantOf(cloud, http).Groups.TryGetValue(groupId, out Group? group) && group.VisibleFrom <= cloud.Clock.UtcNow
            ? group
            : null;

    static User? FindUser(Tenant tenant, string idOrUpn) => Guid.TryParse(idOrUpn, out Guid id)
        ? tenant.Users.GetValueOrDefault(id)
        : tenant.Users.Values.FirstOrDefault(u => string.Equals(u.UserPrincipalName, idOrUpn, StringComparison.OrdinalIgnoreCase));

    internal static string Base(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}/v1.0";

    internal static async Task<JsonObject?> ReadBody(HttpContext http)
    {
        try
        {
            return await System.Text.Json.JsonSerializer.DeserializeAsync<JsonObject>(http.Request.Body);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    static JsonObject ToJson(Group group, HttpContext? single)
    {
        JsonObject json = new()
        {
            ["id"] = group.Id.ToString(),
            ["deletedDateTime"] = null,
            ["classification"] = null,
            ["createdDateTime"] = Time(group.CreatedDateTime),
            ["creationOptions"] = new JsonArray(),
            ["description"] = group.Description,
            ["displayName"] = group.DisplayName,
            ["expirationDateTime"] = null,
            ["groupTypes"] = new JsonArray(),
            ["isAssignableToRole"] = group.IsAssignableToRole,
            ["mail"] = null,
            ["mailEnabled"] = group.MailEnabled,
            ["mailNickname"] = group.MailNickname,
            ["membershipRule"] = null,
            ["proxyAddresses"] = new JsonArray(),
            ["renewedDateTime"] = Time(group.CreatedDateTime),
            ["securityEnabled"] = group.SecurityEnabled,
            ["securityIdentifier"] = $"S-1-12-1-{(uint)group.Id.GetHashCode()}",
            ["visibility"] = group.IsAssignableToRole == true ? "Private" : null,
        };
        if (single is not null)
        {
            json["@odata.context"] = $"{Base(single)}/$metadata#groups/$entity";
        }

        return json;
    }

    internal static JsonObject ToJson(User user, Tenant tenant, bool withType)
    {
        JsonObject json = new()
        {
            ["id"] = user.Id.ToString(),
            ["displayName"] = user.DisplayName,
            ["userPrincipalName"] = user.UserPrincipalName,
            ["mail"] = user.UserPrincipalName,
            ["accountEnabled"] = true,
        };
        if (withType)
        {
            json["@odata.type"] = "#microsoft.graph.user";
        }

        return json;
    }
}
