using System.Text.Json.Nodes;
using System.Xml;
using MicrosoftCloudSimulator.State;
using static MicrosoftCloudSimulator.Graph.DirectoryEndpoints;
using static MicrosoftCloudSimulator.Graph.GraphProtocol;

namespace MicrosoftCloudSimulator.Graph;

/// <summary>
/// GDAP resources on the wire, as Graph v1.0 documents them (learn.microsoft.com/graph/api/resources/delegatedadminrelationship,
/// …delegatedadminaccessassignment, …delegatedadminrelationshiprequest, …delegatedadminrelationshipoperation): durations in
/// ISO 8601, times in UTC with milliseconds, roles as <c>accessDetails.unifiedRoles</c>.
/// </summary>
public static class GdapJson
{
    public static TimeSpan? ReadDuration(JsonNode? node)
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

    public static List<Guid>? ReadRoles(JsonObject body) =>
        body["accessDetails"]?["unifiedRoles"] is JsonArray roles
            ? [.. roles.Select(r => Guid.TryParse(r?["roleDefinitionId"]?.GetValue<string>(), out Guid g) ? g : Guid.Empty).Where(g => g != Guid.Empty)]
            : null;

    static JsonObject Roles(IEnumerable<Guid> roles) =>
        new() { ["unifiedRoles"] = new JsonArray([.. roles.Select(r => (JsonNode)new JsonObject { ["roleDefinitionId"] = r.ToString() })]) };

    public static JsonObject ToJson(Relationship r, HttpContext? single)
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

    public static JsonObject ToJson(RelationshipRequest q) => new()
    {
        ["@odata.type"] = "#microsoft.graph.delegatedAdminRelationshipRequest",
        ["id"] = q.Id.ToString(),
        ["action"] = q.Action,
        ["status"] = q.Status,
        ["createdDateTime"] = Time(q.CreatedDateTime),
        ["lastModifiedDateTime"] = Time(q.LastModifiedDateTime),
    };

    public static JsonObject ToJson(AccessAssignment a) => new()
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

    public static JsonObject ToJson(Operation o) => new()
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
