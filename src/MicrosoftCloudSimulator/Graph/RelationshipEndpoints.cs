using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.Login;
using MicrosoftCloudSimulator.State;
using static MicrosoftCloudSimulator.Graph.DirectoryEndpoints;
using static MicrosoftCloudSimulator.Graph.GdapJson;
using static MicrosoftCloudSimulator.Graph.GraphProtocol;

namespace MicrosoftCloudSimulator.Graph;

/// <summary>
/// Graph <c>tenantRelationships/delegatedAdminRelationships</c> and <c>delegatedAdminCustomers</c>: HTTP only. Who may call is
/// checked here; what may change is the state model's (<see cref="Relationship"/>, <see cref="GdapRules"/>); the wire
/// shapes are <see cref="GdapJson"/>.
/// </summary>
public static class RelationshipEndpoints
{
    const string Path = "/tenantRelationships/delegatedAdminRelationships";

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
        if (caller.TenantId != cloud.Partner.Id || Require(caller, permissions) is not null || (caller.IsAppOnly && !AppOnlyAllowed(cloud)))
        {
            return Error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        }

        if (caller.UserId is Guid userId && !GdapAccess.IsMfaAdminAgent(cloud, userId))
        {
            return Error(403, "Forbidden", "The user (principal) does not have the required permissions to perform the specified action on the resource.");
        }

        return null;
    }

    /// <summary>The first-party app whose service principal must be in the partner tenant for app-only GDAP calls.</summary>
    public static readonly Guid PartnerCustomerDelegatedAdministration = Guid.Parse("2832473f-ec63-45fb-976f-5d45a7d4bb91");

    /// <summary>
    /// App-only GDAP calls: allowed where this simulation follows Microsoft's newer documentation, and then only once the
    /// partner tenant holds the <i>Partner Customer Delegated Administration</i> service principal ("To call this API with
    /// application permissions, the service principal with appId 2832473f-ec63-45fb-976f-5d45a7d4bb91 must be provisioned
    /// in the partner tenant": learn.microsoft.com/graph/api/tenantrelationship-post-delegatedadminrelationships).
    /// </summary>
    static bool AppOnlyAllowed(SimulatedCloud cloud) =>
        cloud.Options.AppOnlyGdapAllowed && cloud.Partner.ServicePrincipals.Values.Any(sp => sp.AppId == PartnerCustomerDelegatedAdministration);

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
            TimeSpan? duration = ReadDuration(body["duration"]);
            TimeSpan? autoExtend = body["autoExtendDuration"] is JsonNode extendNode ? ReadDuration(extendNode) : TimeSpan.Zero;
            List<Guid>? roles = ReadRoles(body);
            Refusal? refused = GdapRules.CheckName(name, c.Relationships)
                ?? GdapRules.CheckDuration(duration)
                ?? GdapRules.CheckAutoExtend(autoExtend)
                ?? (roles is not { Count: > 0 } ? Refusal.BadRequest("The accessDetails must contain at least one unifiedRole with a roleDefinitionId.") : null)
                ?? GdapRules.CheckGlobalAdministrator(autoExtend!.Value, roles!);
            if (refused is not null)
            {
                return Refused(refused);
            }

            DateTimeOffset now = c.Clock.UtcNow;
            Relationship relationship = new()
            {
                Id = $"{Guid.NewGuid()}-{c.Partner.Id}",
                DisplayName = name!,
                Duration = duration!.Value,
                AutoExtendDuration = autoExtend!.Value,
                CustomerTenantId = Guid.TryParse(body["customer"]?["tenantId"]?.GetValue<string>(), out Guid customer) ? customer : null,
                CustomerDisplayName = body["customer"]?["displayName"]?.GetValue<string>(),
                Roles = roles!,
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

            RelationshipPatch patch = new(
                [.. body.Select(p => p.Key)],
                body["displayName"]?.GetValue<string>(),
                body["duration"] is JsonNode duration ? new WireDuration(ReadDuration(duration)) : null,
                body["autoExtendDuration"] is JsonNode extend ? new WireDuration(ReadDuration(extend)) : null,
                ReadRoles(body));
            (Refusal? refused, Operation? started) = r.Update(patch, c.Relationships, c.Clock.UtcNow);
            if (refused is not null)
            {
                return Refused(refused);
            }

            if (started is not null)
            {
                http.Response.Headers.Location = $"{Base(http)}{Path}/{r.Id}/operations/{started.Id}";
                http.Response.Headers.RetryAfter = "10";
                return Results.Json(new JsonObject(), statusCode: 202);
            }

            return Results.Json(ToJson(r, http));
        }));
    }

    static IResult Delete(string id, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: true) ?? WithRelationship(c, id, r =>
    {
        if (CheckETag(http, r.ETag) is { } precondition)
        {
            return precondition;
        }

        if (r.CheckDeletable() is { } refused)
        {
            return Refused(refused);
        }

        c.Relationships.Remove(r);
        return Results.NoContent();
    }));

    static async Task<IResult> CreateRequest(string id, HttpContext http, SimulatedCloud cloud)
    {
        JsonObject? body = await ReadBody(http);
        return cloud.Locked(c => Authorize(http, c, write: true) ?? WithRelationship(c, id, r =>
        {
            (RelationshipRequest? request, Refusal? refused) = r.Request(body?["action"]?.GetValue<string>(), c.Clock.UtcNow);
            if (refused is not null)
            {
                return Refused(refused);
            }

            http.Response.Headers.Location = $"{Base(http)}{Path}/{r.Id}/requests/{request!.Id}";
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
            string? containerType = body?["accessContainer"]?["accessContainerType"]?.GetValue<string>();
            Guid? groupId = Guid.TryParse(body?["accessContainer"]?["accessContainerId"]?.GetValue<string>(), out Guid group) && containerType == "securityGroup" ? group : null;
            (AccessAssignment? assignment, Refusal? refused) = r.Assign(
                groupId,
                g => c.Partner.Groups.TryGetValue(g, out Group? found) && found.VisibleFrom <= c.Clock.UtcNow && found.SecurityEnabled,
                body is null ? null : ReadRoles(body),
                c.Clock.UtcNow);
            if (refused is not null)
            {
                return Refused(refused);
            }

            c.Raise("granular-admin-access-assignment-created", $"{r.WebhookResource}/accessAssignments/{assignment!.Id}");
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
            if (r.LiveAssignment(assignmentId) is not { } assignment)
            {
                return Error(404, "notFound", $"Access assignment '{assignmentId}' was not found.");
            }

            if (CheckETag(http, assignment.ETag) is { } precondition)
            {
                return precondition;
            }

            (Operation? started, Refusal? refused) = r.ChangeRoles(assignment, body is null ? null : ReadRoles(body), body?.ToJsonString() ?? string.Empty, c.Clock.UtcNow);
            if (refused is not null)
            {
                return Refused(refused);
            }

            if (started is null)
            {
                return Results.Json(ToJson(assignment));
            }

            c.Raise("granular-admin-access-assignment-updated", $"{r.WebhookResource}/accessAssignments/{assignment.Id}");
            http.Response.Headers.Location = $"{Base(http)}{Path}/{r.Id}/operations/{started.Id}";
            http.Response.Headers.RetryAfter = "10";
            return Results.Json(new JsonObject(), statusCode: 202);
        }));
    }

    static IResult DeleteAssignment(string id, string assignmentId, HttpContext http, SimulatedCloud cloud) => cloud.Locked(c => Authorize(http, c, write: true) ?? WithRelationship(c, id, r =>
    {
        if (r.LiveAssignment(assignmentId) is not { } assignment)
        {
            return Error(404, "notFound", $"Access assignment '{assignmentId}' was not found.");
        }

        if (CheckETag(http, assignment.ETag) is { } precondition)
        {
            return precondition;
        }

        Relationship.Delete(assignment, c.Clock.UtcNow);
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
        .Where(r => r.CustomerTenantId is not null && r.Status is RelationshipStatuses.Active or RelationshipStatuses.Expiring or RelationshipStatuses.TerminationRequested)
        .Select(r => cloud.Tenants.GetValueOrDefault(r.CustomerTenantId!.Value))
        .OfType<Tenant>()
        .Distinct();

    static JsonObject CustomerJson(Tenant tenant) => new() { ["id"] = tenant.Id.ToString(), ["tenantId"] = tenant.Id.ToString(), ["displayName"] = tenant.DisplayName };

    static IResult Refused(Refusal refusal) => Error(refusal.Status, refusal.Code, refusal.Message);

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
}
