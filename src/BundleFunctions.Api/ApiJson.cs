using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>The API's JSON: camelCase names and enum values (<c>waitingForCustomer</c>), whichever host serves it.</summary>
public static class ApiJson
{
    /// <summary>The serializer options of every response.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>
    /// How request bodies are read: as responses are written, and a field the endpoint does not know is an error — a typo such
    /// as <c>dry_run</c> must be refused, never silently ignored while the default it meant to change applies.
    /// </summary>
    public static JsonSerializerOptions RequestOptions { get; } = new(Options) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow };

    /// <summary>A JSON response with the API's options.</summary>
    public static IResult Json(object value, int status = StatusCodes.Status200OK) => Results.Json(value, Options, statusCode: status);

    /// <summary>An RFC 7807 problem.</summary>
    public static IResult Problem(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
}
