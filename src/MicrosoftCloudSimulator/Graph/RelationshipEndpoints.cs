using System.Text.Json.Nodes;
using System.Xml;
using MicrosoftCloudSimulator.Login;
using MicrosoftCloudSimulator.State;
using static MicrosoftCloudSimulator.Graph.DirectoryEndpoints;
using static MicrosoftCloudSimulator.Graph.GraphProtocol;

namespace MicrosoftCloudSimulator.Graph;

/// <summary>Graph <c>tenantRelationships/delegatedAdminRelationships</c> and <c>delegatedAdminCustomers</c>, with GDAP's rules.</summary>
public static class RelationshipEndpoints
{
    public const string GlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10";
    public const string WebhookResourceBase = "https://partner.microsoft.com/granularAdminRelationships/";
    const string Path = "/tenantRelationships/delegatedAdminRelationships";
    static readonly TimeSpan MaxDuration = TimeSpan.FromDays(730);

    public static void MapRelationships(this RouteGroupBuilder graph)
    {
        graph.MapGet(Path, List);
        graph.MapPost(Path, Create);
        graph.MapGet(Path + "/{id}", Get);
        graph.MapPatch(Path + "/{id}", Update);
        graph.MapDelete(Path + "/{id}", Delete);
        graph.MapPost(Path + "/{id}/requests", CreateRequest);
        graph.MapGet(Path + "/{id}/requests", ListRequests);
        graph.MapGet(Path + "/{id}/requests/{requestId}", GetRequest);
        graph.MapPost(Path + "/{id}/accessAssignments", CreateAssignment);
        graph.MapGet(Path + "/{id}/accessAssignments", ListAssignments);
        graph.MapGet(Path + "/{id}/accessAssignments/{assignmentId}", GetAssignment);
        graph.MapPatch(Path + "/{id}/accessAssignments/{assignmentId}", UpdateAssignment);
        graph.MapDelete(Path + "/{id}/accessAssignments/{assignmentId}", DeleteAssignment);
        graph.MapGet(Path + "/{id}/operations", ListOperations);
        graph.MapGet(Path + "/{id}/operations/{operationId}", GetOperation);
        graph.MapGet("/tenantRelationships/delegatedAdminCustomers", ListCustomers);
        graph.MapGet("/tenantRelationships/delegatedAdminCustomers/{id}", GetCustomer);
    }

    /// <summary>Who may call the GDAP API: the partner tenant, with the permission, as an Admin Agent with MFA (or app-only where allowed).</summary>
    static IResult? Authorize(HttpContext http, SimulatedCloud cloud, bool write)
    {
        Caller caller = http.Caller();
        string[] permissions = write ? ["DelegatedAdminRelationship.ReadWrite.All"] : ["DelegatedAdminRelationship.Read.All", "DelegatedAdminRelationship.ReadWrite.All"];
        if (caller.TenantId != cloud.Partner.Id || Require(caller, permissions) is not null || (caller.IsAppOnly && !cloud.Options.AppOnlyGdapAllowed))
        {
            return Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }

        if (caller.UserId is Guid userId && !GdapAccess.IsMfaAdminAgent(cloud, userId))
        {
            return Error(403, "Forbidden", "The user (principal) does not have the required permissions to perform the specified action on the resource.");
        }

        return null;
    }

    static IResult List(HttpContext http, SimulatedCloud cloud) => Filtered(http.Request, filter =>
        cloud.Locked(c => Authorize(http, c, write: false) ?? Page(
            http.Request,
            $"{Base(http)}/$metadata#tenantRelationships/delegatedAdminRelationships",
            [.. c.Relationships.OrderBy(r => r.CreatedDateTime).Where(r => Matches(filter, p => p.ToLowerInvariant() switch
            {
                "status" => r.Status,
                "displayname" => r.DisplayName,
                "customer/tenantid" => r.CustomerTenantId?.ToString(),
                "id" => r.Id,
                _ => null,
            })).Select(r => ToJson(r, null))],
            defaultTop: 300,
            maxTop: 300)));

    static IResult Get(string id, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c =>
        Authorize(http, c, write: false) ?? WithRelationship(c, id, r => Results.Json(ToJson(r, http))));

    static async Task<IResult> Create(HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await ReadBody(http);
        return cloud.Locked(c =>
        {
            if (Authorize(http, c, write: true) is { } denied)
            {
                return denied;
            }

            if (body is null)
            {
                return BadRequest("The request body is not valid JSON.");
            }

            string? name = body["displayName"]?.GetValue<string>();
            if (string.IsNullOrWhiteSpace(name) || name.Length > 50)
            {
                return BadRequest("The displayName is required and must be at most 50 characters.");
            }

            if (c.Relationships.Any(r => string.Equals(r.DisplayName, name, StringComparison.OrdinalIgnoreCase)))
            {
                return Error(409, "conflict", $"A relationship with the display name '{name}' already exists. The display name must be unique across the partner's relationships.");
            }

            if (!IsValidDuration(body["duration"], out TimeSpan duration))
            {
                return BadRequest(DurationRule);
            }

            TimeSpan autoExtend = TimeSpan.Zero;
            if (body["autoExtendDuration"] is JsonNode extendNode && !IsValidAutoExtend(extendNode, out autoExtend))
            {
                return BadRequest(AutoExtendRule);
            }

            if (ReadRoles(body) is not List<Guid> roles || roles.Count == 0)
            {
                return BadRequest("The accessDetails must contain at least one unifiedRole with a roleDefinitionId.");
            }

            if (AutoExtendsGlobalAdministrator(autoExtend, roles))
            {
                return BadRequest(GlobalAdministratorRule);
            }

            DateTimeOffset now = c.Clock.UtcNow;
            Relationship relationship = new()
            {
                Id = $"{Guid.NewGuid()}-{c.Partner.Id}",
                DisplayName = name,
                Duration = duration,
                AutoExtendDuration = autoExtend,
                CustomerTenantId = Guid.TryParse(body["customer"]?["tenantId"]?.GetValue<string>(), out Guid customer) ? customer : null,
                CustomerDisplayName = body["customer"]?["displayName"]?.GetValue<string>(),
                Roles = roles,
                CreatedDateTime = now,
                LastModifiedDateTime = now,
                StatusSince = now,
            };
            c.Relationships.Add(relationship);
            http.Response.Headers.Location = $"{Base(http)}{Path}/{relationship.Id}";
            return Results.Json(ToJson(relationship, http), statusCode: 201);
        });
    }

    static async Task<IResult> Update(string id, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await ReadBody(http);
        return cloud.Locked(c => Authorize(http, c, write: true) ?? WithRelationship(c, id, r =>
        {
            if (CheckETag(http, r.ETag) is { } precondition)
            {
                return precondition;
            }

            if (body is null)
            {
                return BadRequest("The request body is not valid JSON.");
            }

            DateTimeOffset now = c.Clock.UtcNow;
            if (r.Status == "active")
            {
                // On an active relationship only auto-extend may change, and Global Administrator may be removed (an operation).
                if (body.Any(p => p.Key is not ("autoExtendDuration" or "accessDetails")))
                {
                    return BadRequest("Only autoExtendDuration can be updated on an active relationship; other properties can be updated only in status 'created'.");
                }

                if (body["autoExtendDuration"] is JsonNode extendNode)
                {
                    if (!IsValidAutoExtend(extendNode, out TimeSpan extend))
                    {
                        return BadRequest(AutoExtendRule);
                    }

                    if (AutoExtendsGlobalAdministrator(extend, r.Roles))
                    {
                        return BadRequest(GlobalAdministratorRule);
                    }

                    r.AutoExtendDuration = extend;
                    r.Touch(now);
                }

                if (ReadRoles(body) is List<Guid> roles && r.Roles.Contains(Guid.Parse(GlobalAdministrator))
                    && !roles.Contains(Guid.Parse(GlobalAdministrator)) && roles.ToHashSet().SetEquals(r.Roles.Where(x => x != Guid.Parse(GlobalAdministrator))))
                {
                    // A long-running operation: the roles change when it succeeds, not now (learn.microsoft.com/graph/api/delegatedadminrelationship-update:
                    // "You can only remove the Microsoft Entra Global Administrator role when the status property is active, which indicates a long-running operation").
                    if (r.Operations.Any(o => o.Status is "notStarted" or "running"))
                    {
                        return Error(409, "conflict", "An operation on this relationship is already in progress.");
                    }

                    Operation operation = new() { Id = Guid.NewGuid(), OperationType = "delegatedAdminRelationshipUpdate", Data = "{\"removedRole\":\"" + GlobalAdministrator + "\"}", CreatedDateTime = now, LastModifiedDateTime = now, RolesAfter = roles };
                    r.Operations.Add(operation);
                    http.Response.Headers.Location = $"{Base(http)}{Path}/{r.Id}/operations/{operation.Id}";
                    http.Response.Headers.RetryAfter = "10";
                    return Results.Json(new JsonObject(), statusCode: 202);
                }

                return Results.Json(ToJson(r, http));
            }

            if (r.Status != "created" || r.IsLocking)
            {
                return BadRequest($"The relationship cannot be updated in status '{r.Status}'{(r.IsLocking ? " while it is being locked for approval" : string.Empty)}.");
            }

            string newName = body["displayName"]?.GetValue<string>() ?? r.DisplayName;
            if (newName.Length is 0 or > 50 || c.Relationships.Any(o => o != r && string.Equals(o.DisplayName, newName, StringComparison.OrdinalIgnoreCase)))
            {
                return Error(409, "conflict", $"The display name '{newName}' is invalid or already used.");
            }

            // Check everything before changing anything: a refused PATCH leaves the relationship as it was.
            TimeSpan newDuration = r.Duration, newAutoExtend = r.AutoExtendDuration;
            if (body["duration"] is JsonNode durationNode && !IsValidDuration(durationNode, out newDuration))
            {
                return BadRequest(DurationRule);
            }

            if (body["autoExtendDuration"] is JsonNode extendNode2 && !IsValidAutoExtend(extendNode2, out newAutoExtend))
            {
                return BadRequest(AutoExtendRule);
            }

            List<Guid> newRoles = ReadRoles(body) ?? r.Roles;
            if (AutoExtendsGlobalAdministrator(newAutoExtend, newRoles))
            {
                return BadRequest(GlobalAdministratorRule);
            }

            (r.DisplayName, r.Duration, r.AutoExtendDuration, r.Roles) = (newName, newDuration, newAutoExtend, newRoles);

            r.Touch(now);
            return Results.Json(ToJson(r, http));
        }));
    }

    static IResult Delete(string id, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: true) ?? WithRelationship(c, id, r =>
    {
        if (CheckETag(http, r.ETag) is { } precondition)
        {
            return precondition;
        }

        if (r.Status != "created" || r.IsLocking)
        {
            return BadRequest($"Only a relationship in status 'created' that is not being locked can be deleted; this one is '{r.Status}'.");
        }

        c.Relationships.Remove(r);
        return Results.NoContent();
    }));

    static async Task<IResult> CreateRequest(string id, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await ReadBody(http);
        return cloud.Locked(c => Authorize(http, c, write: true) ?? WithRelationship(c, id, r =>
        {
            string? action = body?["action"]?.GetValue<string>();
            DateTimeOffset now = c.Clock.UtcNow;
            switch (action)
            {
                case "lockForApproval" when r.Status == "created" && r.Requests.Any(q => q.Action == "lockForApproval" && q.Status is "created" or "running"):
                    return BadRequest("A lockForApproval request for this relationship is already in progress.");
                case "lockForApproval" when r.Status == "created":
                    // Completed by the lifecycle engine after Simulator:LockDuration: the request resource has its own status
                    // (created → succeeded), as the documented delegatedAdminRelationshipRequest does.
                    break;
                case "terminate" when r.Status == "active":
                    r.MoveTo("terminationRequested", now);
                    break;
                case "lockForApproval" or "terminate":
                    return BadRequest($"The action '{action}' is not allowed on a relationship in status '{r.Status}'.");
                default:
                    return BadRequest($"The action '{action}' is not supported; use lockForApproval or terminate.");
            }

            RelationshipRequest request = new() { Id = Guid.NewGuid(), Action = action, Status = "created", CreatedDateTime = now, LastModifiedDateTime = now };
            r.Requests.Add(request);
            http.Response.Headers.Location = $"{Base(http)}{Path}/{r.Id}/requests/{request.Id}";
            if (action == "terminate")
            {
                request.Status = "succeeded";
            }

            return Results.Json(ToJson(request), statusCode: 201);
        }));
    }

    static IResult ListRequests(string id, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: false) ?? WithRelationship(c, id, r =>
        Page(http.Request, $"{Base(http)}/$metadata#tenantRelationships/delegatedAdminRelationships('{r.Id}')/requests", [.. r.Requests.Select(ToJson)], 100, 300)));

    static IResult GetRequest(string id, string requestId, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: false) ?? WithRelationship(c, id, r =>
        r.Requests.FirstOrDefault(q => q.Id.ToString() == requestId) is { } request ? Results.Json(ToJson(request)) : Error(404, "notFound", $"Request '{requestId}' was not found.")));

    static async Task<IResult> CreateAssignment(string id, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await ReadBody(http);
        return cloud.Locked(c => Authorize(http, c, write: true) ?? WithRelationship(c, id, r =>
        {
            if (r.Status != "active")
            {
                return BadRequest($"Access assignments can be created only on an active relationship; this one is '{r.Status}'.");
            }

            string? containerType = body?["accessContainer"]?["accessContainerType"]?.GetValue<string>();
            if (!Guid.TryParse(body?["accessContainer"]?["accessContainerId"]?.GetValue<string>(), out Guid groupId) || containerType != "securityGroup")
            {
                return BadRequest("The accessContainer must name a securityGroup by its accessContainerId.");
            }

            if (!c.Partner.Groups.TryGetValue(groupId, out Group? group) || group.VisibleFrom > c.Clock.UtcNow || !group.SecurityEnabled)
            {
                return BadRequest($"The access container does not exist: '{groupId}' is not a security group in the partner tenant.");
            }

            if (ReadRoles(body!) is not List<Guid> roles || roles.Count == 0)
            {
                return BadRequest("The accessDetails must contain at least one unifiedRole.");
            }

            if (roles.Except(r.Roles).ToList() is { Count: > 0 } outside)
            {
                return BadRequest($"The roles {string.Join(", ", outside)} are not part of the relationship's accessDetails.");
            }

            if (r.AccessAssignments.Any(a => a.GroupId == groupId && a.IsLive))
            {
                return Error(409, "conflict", "An access assignment already exists for this security group on this relationship.");
            }

            DateTimeOffset now = c.Clock.UtcNow;
            AccessAssignment assignment = new() { Id = Guid.NewGuid(), GroupId = groupId, Roles = roles, CreatedDateTime = now, LastModifiedDateTime = now, StatusSince = now };
            r.AccessAssignments.Add(assignment);
            c.Raise("granular-admin-access-assignment-created", $"{WebhookResourceBase}{r.Id}/accessAssignments/{assignment.Id}");
            http.Response.Headers.Location = $"{Base(http)}{Path}/{r.Id}/accessAssignments/{assignment.Id}";
            return Results.Json(ToJson(assignment), statusCode: 201);
        }));
    }

    static IResult ListAssignments(string id, HttpContext http, SimulatedCloud cloud) => Filtered(http.Request, filter =>
        cloud.Locked(c => Authorize(http, c, write: false) ?? WithRelationship(c, id, r => Page(
                http.Request,
                $"{Base(http)}/$metadata#tenantRelationships/delegatedAdminRelationships('{r.Id}')/accessAssignments",
                [.. r.AccessAssignments.Where(a => Matches(filter, p => p.ToLowerInvariant() == "status" ? a.Status : null)).Select(ToJson)],
                100,
                300))));

    static IResult GetAssignment(string id, string assignmentId, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: false) ?? WithRelationship(c, id, r =>
        r.AccessAssignments.FirstOrDefault(a => a.Id.ToString() == assignmentId) is { } a ? Results.Json(ToJson(a)) : Error(404, "notFound", $"Access assignment '{assignmentId}' was not found.")));

    static async Task<IResult> UpdateAssignment(string id, string assignmentId, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await ReadBody(http);
        return cloud.Locked(c => Authorize(http, c, write: true) ?? WithRelationship(c, id, r =>
        {
            if (r.AccessAssignments.FirstOrDefault(a => a.Id.ToString() == assignmentId && a.IsLive) is not { } assignment)
            {
                return Error(404, "notFound", $"Access assignment '{assignmentId}' was not found.");
            }

            if (CheckETag(http, assignment.ETag) is { } precondition)
            {
                return precondition;
            }

            if (body is null || ReadRoles(body) is not List<Guid> roles || roles.Count == 0)
            {
                return BadRequest("The accessDetails must contain at least one unifiedRole.");
            }

            if (roles.ToHashSet().SetEquals(assignment.Roles))
            {
                return Results.Json(ToJson(assignment));
            }

            DateTimeOffset now = c.Clock.UtcNow;
            assignment.Roles = roles;
            assignment.LastModifiedDateTime = now;
            assignment.Version++;
            Operation operation = new() { Id = Guid.NewGuid(), OperationType = "delegatedAdminAccessAssignmentUpdate", Data = body.ToJsonString(), CreatedDateTime = now };
            r.Operations.Add(operation);
            c.Raise("granular-admin-access-assignment-updated", $"{WebhookResourceBase}{r.Id}/accessAssignments/{assignment.Id}");
            http.Response.Headers.Location = $"{Base(http)}{Path}/{r.Id}/operations/{operation.Id}";
            http.Response.Headers.RetryAfter = "10";
            return Results.Json(new JsonObject(), statusCode: 202);
        }));
    }

    static IResult DeleteAssignment(string id, string assignmentId, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: true) ?? WithRelationship(c, id, r =>
    {
        if (r.AccessAssignments.FirstOrDefault(a => a.Id.ToString() == assignmentId && a.IsLive) is not { } assignment)
        {
            return Error(404, "notFound", $"Access assignment '{assignmentId}' was not found.");
        }

        if (CheckETag(http, assignment.ETag) is { } precondition)
        {
            return precondition;
        }

        DateTimeOffset now = c.Clock.UtcNow;
        assignment.Status = "deleting";
        assignment.StatusSince = now;
        assignment.LastModifiedDateTime = now;
        assignment.Version++;
        return Results.NoContent();
    }));

    static IResult ListOperations(string id, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: false) ?? WithRelationship(c, id, r =>
        Page(http.Request, $"{Base(http)}/$metadata#tenantRelationships/delegatedAdminRelationships('{r.Id}')/operations", [.. r.Operations.Select(ToJson)], 100, 300)));

    static IResult GetOperation(string id, string operationId, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: false) ?? WithRelationship(c, id, r =>
        r.Operations.FirstOrDefault(o => o.Id.ToString() == operationId) is { } operation ? Results.Json(ToJson(operation)) : Error(404, "notFound", $"Operation '{operationId}' was not found.")));

    static IResult ListCustomers(HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: false) ?? Page(
        http.Request, $"{Base(http)}/$metadata#tenantRelationships/delegatedAdminCustomers", [.. Customers(c).Select(CustomerJson)], 100, 300));

    static IResult GetCustomer(string id, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: false)
        ?? (Customers(c).FirstOrDefault(t => t.Id.ToString() == id) is { } tenant ? Results.Json(CustomerJson(tenant)) : Error(404, "notFound", $"Customer '{id}' was not found.")));

    static IEnumerable<Tenant> Customers(SimulatedCloud cloud) => cloud.Relationships
        .Where(r => r.CustomerTenantId is not null && r.Status is "active" or "expiring" or "terminationRequested")
        .Select(r => cloud.Tenants.GetValueOrDefault(r.CustomerTenantId!.Value))
        .OfType<Tenant>()
        .Distinct();

    static JsonObject CustomerJson(Tenant tenant) => new() { ["id"] = tenant.Id.ToString(), ["tenantId"] = tenant.Id.ToString(), ["displayName"] = tenant.DisplayName };

    static IResult WithRelationship(SimulatedCloud cloud, string id, Func<Relationship, IResult> action)
    {
        if (id.Length > 128 || !id.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '-'))
        {
            return BadRequest("The passed in delegatedAdminRelationshipId is invalid.");
        }

        return cloud.Relationships.FirstOrDefault(r => r.Id == id) is { } relationship
            ? action(relationship)
            : Error(404, "notFound", $"The delegated admin relationship '{id}' was not found.");
    }

    static IResult? CheckETag(HttpContext http, string etag)
    {
        string? ifMatch = http.Request.Headers.IfMatch.FirstOrDefault();
        return ifMatch is null ? BadRequest("The If-Match header is required for this operation.")
            : ifMatch != "*" && ifMatch != etag ? Error(412, "preconditionFailed", "The resource has been modified since it was last read (ETag mismatch).")
            : null;
    }

    const string DurationRule = "The duration must be between P1D and P2Y (730 days).";
    const string AutoExtendRule = "The autoExtendDuration must be one of PT0S, P0D or P180D.";
    const string GlobalAdministratorRule = "A relationship that includes the Global Administrator role cannot be auto-extended.";

    static bool IsValidDuration(JsonNode? node, out TimeSpan duration)
    {
        duration = ReadDuration(node) ?? TimeSpan.Zero;
        return duration >= TimeSpan.FromDays(1) && duration <= MaxDuration;
    }

    static bool IsValidAutoExtend(JsonNode? node, out TimeSpan autoExtend)
    {
        TimeSpan? read = ReadDuration(node);
        autoExtend = read ?? TimeSpan.Zero;
        return read == TimeSpan.Zero || read == TimeSpan.FromDays(180);
    }

    static bool AutoExtendsGlobalAdministrator(TimeSpan autoExtend, IEnumerable<Guid> roles) =>
        autoExtend != TimeSpan.Zero && roles.Contains(Guid.Parse(GlobalAdministrator));

    static TimeSpan? ReadDuration(JsonNode? node)
    {
        try
        {
            return node?.GetValue<string>() is string text ? XmlConvert.ToTimeSpan(text) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    static List<Guid>? ReadRoles(JsonObject body) =>
        body["accessDetails"]?["unifiedRoles"] is JsonArray roles
            ? [.. roles.Select(r => Guid.TryParse(r?["roleDefinitionId"]?.GetValue<string>(), out Guid g) ? g : Guid.Empty).Where(g => g != Guid.Empty)]
            : null;

    static JsonObject Roles(IEnumerable<Guid> roles) =>
        new() { ["unifiedRoles"] = new JsonArray([.. roles.Select(r => (JsonNode)new JsonObject { ["roleDefinitionId"] = r.ToString() })]) };

    static JsonObject ToJson(Relationship r, HttpContext? single)
    {
        JsonObject json = new()
        {
            ["@odata.type"] = "#microsoft.graph.delegatedAdminRelationship",
            ["@odata.etag"] = r.ETag,
            ["id"] = r.Id,
            ["displayName"] = r.DisplayName,
            ["duration"] = XmlConvert.ToString(r.Duration),
            ["customer"] = r.CustomerTenantId is Guid customer ? new JsonObject { ["tenantId"] = customer.ToString(), ["displayName"] = r.CustomerDisplayName } : null,
            ["accessDetails"] = Roles(r.Roles),
            ["status"] = r.Status,
            ["autoExtendDuration"] = XmlConvert.ToString(r.AutoExtendDuration),
            ["createdDateTime"] = Time(r.CreatedDateTime),
            ["lastModifiedDateTime"] = Time(r.LastModifiedDateTime),
            ["activatedDateTime"] = Time(r.ActivatedDateTime),
            ["endDateTime"] = Time(r.EndDateTime),
        };
        if (single is not null)
        {
            json["@odata.context"] = $"{Base(single)}/$metadata#tenantRelationships/delegatedAdminRelationships/$entity";
        }

        return json;
    }

    static JsonObject ToJson(RelationshipRequest q) => new()
    {
        ["@odata.type"] = "#microsoft.graph.delegatedAdminRelationshipRequest",
        ["id"] = q.Id.ToString(),
        ["action"] = q.Action,
        ["status"] = q.Status,
        ["createdDateTime"] = Time(q.CreatedDateTime),
        ["lastModifiedDateTime"] = Time(q.LastModifiedDateTime),
    };

    static JsonObject ToJson(AccessAssignment a) => new()
    {
        ["@odata.type"] = "#microsoft.graph.delegatedAdminAccessAssignment",
        ["@odata.etag"] = a.ETag,
        ["id"] = a.Id.ToString(),
        ["status"] = a.Status,
        ["createdDateTime"] = Time(a.CreatedDateTime),
        ["lastModifiedDateTime"] = Time(a.LastModifiedDateTime),
        ["accessContainer"] = new JsonObject { ["accessContainerId"] = a.GroupId.ToString(), ["accessContainerType"] = "securityGroup" },
        ["accessDetails"] = Roles(a.Roles),
    };

    static JsonObject ToJson(Operation o) => new()
    {
        ["@odata.type"] = "#microsoft.graph.delegatedAdminRelationshipOperation",
        ["id"] = o.Id.ToString(),
        ["operationType"] = o.OperationType,
        ["data"] = o.Data,
        ["status"] = o.Status,
        ["createdDateTime"] = Time(o.CreatedDateTime),
        ["lastModifiedDateTime"] = Time(o.CreatedDateTime),
    };
}
