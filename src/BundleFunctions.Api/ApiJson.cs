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

    /// <summary>A JSON response with the API's options.</summary>
    public static IResult Json(object value, int status = StatusCodes.Status200OK) => Results.Json(value, Options, statusCode: status);

    /// <summary>An RFC 7807 problem.</summary>
    public static IResult Problem(int status, string title, string? detail = null, IDictionary<string, object?>? extensions = null) =>
        Results.Problem(detail: detail, statusCode: status, title: title, extensions: extensions);
}
