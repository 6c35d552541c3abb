using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using MicrosoftCloudSimulator.Login;

namespace MicrosoftCloudSimulator.Graph;

/// <summary>Graph's wire conventions: the error body, bearer authentication, <c>$filter</c>, paging.</summary>
public static partial class GraphProtocol
{
    const string CallerKey = "sim.caller";

    /// <summary>A Graph error: <c>{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}</c>.</summary>
    public static IResult Error(int status, string code, string message, HttpContext? context = null) => Results.Json(
        new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = code,
                ["message"] = message,
                ["innerError"] = new JsonObject
                {
                    ["date"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    ["request-id"] = Guid.NewGuid().ToString(),
                    ["client-request-id"] = context?.Request.Headers["client-request-id"].FirstOrDefault() ?? Guid.NewGuid().ToString(),
                },
            },
        },
        statusCode: status);

    /// <summary>404 as the directory says it.</summary>
    public static IResult NotFound(string id) =>
        Error(404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    /// <summary>400 for bad input.</summary>
    public static IResult BadRequest(string message, string code = "badRequest") => Error(400, code, message);

    /// <summary>Requires a valid bearer token for <paramref name="audience"/> on every route of the group.</summary>
    public static RouteGroupBuilder RequireToken(this RouteGroupBuilder group, string audience) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            AccessTokens tokens = context.HttpContext.RequestServices.GetRequiredService<AccessTokens>();
            (Caller? caller, string? problem) = tokens.Validate(context.HttpContext.Request.Headers.Authorization, audience);
            if (caller is null)
            {
                context.HttpContext.Response.Headers.WWWAuthenticate = "Bearer";
                return Error(401, "InvalidAuthenticationToken", problem!, context.HttpContext);
            }

            context.HttpContext.Items[CallerKey] = caller;
            return await next(context);
        });

    /// <summary>The caller of the current request (set by <see cref="RequireToken"/>).</summary>
    public static Caller Caller(this HttpContext context) => (Caller)context.Items[CallerKey]!;

    /// <summary>
    /// A minimal OData <c>$filter</c>: clauses <c>prop eq 'value'</c>, <c>prop eq true</c> and <c>startswith(prop,'value')</c> joined by
    /// <c>and</c>. Returns null when the filter is not understood (the endpoint answers 400, as Graph does for unsupported queries).
    /// </summary>
    public static IReadOnlyList<FilterClause>? ParseFilter(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return [];
        }

        List<FilterClause> clauses = [];
        foreach (string part in AndSplitter().Split(filter.Trim()))
        {
            Match eq = EqClause().Match(part);
            Match starts = StartsWithClause().Match(part);
            if (eq.Success)
            {
                string value = eq.Groups["str"].Success ? eq.Groups["str"].Value.Replace("''", "'", StringComparison.Ordinal) : eq.Groups["lit"].Value;
                clauses.Add(new FilterClause(eq.Groups["prop"].Value, value, StartsWith: false));
            }
            else if (starts.Success)
            {
                clauses.Add(new FilterClause(starts.Groups["prop"].Value, starts.Groups["str"].Value.Replace("''", "'", StringComparison.Ordinal), StartsWith: true));
            }
            else
            {
                return null;
            }
        }

        return clauses;
    }

    /// <summary>Parses <c>$filter</c> and runs <paramref name="list"/> with it; an unsupported filter is 400, as Graph answers.</summary>
    public static IResult Filtered(HttpRequest request, Func<IReadOnlyList<FilterClause>, IResult> list) =>
        ParseFilter(request.Query["$filter"]) is { } filter
            ? list(filter)
            : BadRequest("Unsupported or invalid query filter clause specified.", "Request_UnsupportedQuery");

    /// <summary>Whether a value passes every clause (property names compared case-insensitively, values ordinally).</summary>
    public static bool Matches(IReadOnlyList<FilterClause> clauses, Func<string, string?> property) =>
        clauses.All(c => property(c.Property) is string value &&
            (c.StartsWith ? value.StartsWith(c.Value, StringComparison.OrdinalIgnoreCase) : string.Equals(value, c.Value, StringComparison.OrdinalIgnoreCase)));

    /// <summary>One page of a collection with <c>@odata.context</c> and, when more remain, <c>@odata.nextLink</c>.</summary>
    public static IResult Page(HttpRequest request, string context, IReadOnlyList<JsonObject> all, int defaultTop, int maxTop)
    {
        int top = int.TryParse(request.Query["$top"], out int asked) ? Math.Clamp(asked, 1, maxTop) : defaultTop;
        int skip = int.TryParse(request.Query["$skiptoken"], out int token) ? Math.Max(0, token) : 0;
        JsonObject body = new()
        {
            ["@odata.context"] = context,
            ["value"] = new JsonArray([.. all.Skip(skip).Take(top).Select(o => (JsonNode)o.DeepClone())]),
        };
        if (skip + top < all.Count)
        {
            IEnumerable<string> kept = request.Query.Where(q => q.Key != "$skiptoken").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}");
            body["@odata.nextLink"] = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}?{string.Join('&', kept.Append($"$skiptoken={skip + top}"))}";
        }

        return Results.Json(body);
    }

    /// <summary>ISO 8601 timestamp as Graph writes it, or JSON null.</summary>
    public static JsonNode? Time(DateTimeOffset? value) => value is { } v ? JsonValue.Create(v.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture)) : null;

    [GeneratedRegex(@"\s+and\s+", RegexOptions.IgnoreCase)]
    private static partial Regex AndSplitter();

    [GeneratedRegex(@"^\(?\s*(?<prop>[A-Za-z0-9_/]+)\s+eq\s+(?:'(?<str>(?:[^']|'')*)'|(?<lit>true|false|[0-9a-fA-F-]{36}))\s*\)?$", RegexOptions.IgnoreCase)]
    private static partial Regex EqClause();

    [GeneratedRegex(@"^startswith\(\s*(?<prop>[A-Za-z0-9_/]+)\s*,\s*'(?<str>(?:[^']|'')*)'\s*\)$", RegexOptions.IgnoreCase)]
    private static partial Regex StartsWithClause();
}

/// <summary>One <c>$filter</c> clause.</summary>
public sealed record FilterClause(string Property, string Value, bool StartsWith);
