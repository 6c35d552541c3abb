using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.State;
using static MicrosoftCloudSimulator.Graph.DirectoryEndpoints;
using static MicrosoftCloudSimulator.Graph.GraphProtocol;

namespace MicrosoftCloudSimulator.Graph;

/// <summary>
/// Graph <c>applications</c>: the app registrations of the caller's tenant with their credentials, as
/// learn.microsoft.com/graph/api/application-list serves them — a secret shows only its <c>hint</c> (its first three
/// characters) and dates, a certificate its thumbprint (<c>customKeyIdentifier</c>) and dates; never a secret's value.
/// </summary>
public static class ApplicationEndpoints
{
    /// <summary>learn.microsoft.com/graph/api/application-list: Application.Read.All least privileged; Directory.Read.All also reads.</summary>
    static readonly string[] ReadApplications = ["Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy", "Directory.Read.All", "Directory.ReadWrite.All"];

    public static void MapApplications(this RouteGroupBuilder graph) => graph.MapGet("/applications", List);

    static IResult List(HttpContext http, SimulatedCloud cloud) => Require(http.Caller(), ReadApplications) ?? Filtered(http.Request, filter => cloud.Locked(c =>
        Page(
            http.Request,
            $"{Base(http)}/$metadata#applications",
            [.. c.Tenants[http.Caller().TenantId].Apps.Values
                .Where(app => Matches(filter, p => p.ToLowerInvariant() switch { "appid" => app.AppId.ToString(), "displayname" => app.DisplayName, _ => null }))
                .Select(ToJson)],
            100,
            999)));

    static JsonObject ToJson(AppRegistration app) => new()
    {
        ["id"] = app.AppId.ToString(),
        ["appId"] = app.AppId.ToString(),
        ["displayName"] = app.DisplayName,
        ["signInAudience"] = "AzureADMultipleOrgs",
        ["web"] = new JsonObject { ["redirectUris"] = new JsonArray([.. app.RedirectUris.Select(u => (JsonNode)u)]) },
        ["passwordCredentials"] = new JsonArray(new JsonObject
        {
            ["customKeyIdentifier"] = null,
            ["displayName"] = "BundleFunctions",
            ["endDateTime"] = app.SecretEndDateTime.ToString("o"),
            ["hint"] = app.ClientSecret[..Math.Min(3, app.ClientSecret.Length)],
            ["keyId"] = app.SecretKeyId.ToString(),
            ["secretText"] = null,
            ["startDateTime"] = app.SecretEndDateTime.AddYears(-1).ToString("o"),
        }),
        ["keyCredentials"] = new JsonArray([.. app.Certificates.Select(certificate => (JsonNode)new JsonObject
        {
            ["customKeyIdentifier"] = Convert.ToBase64String(Convert.FromHexString(certificate.Thumbprint)),
            ["displayName"] = certificate.Subject,
            ["endDateTime"] = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()).ToString("o"),
            ["key"] = null,
            // keyCredential.keyId is a GUID (learn.microsoft.com/graph/api/resources/keycredential); one per certificate.
            ["keyId"] = new Guid(System.Security.Cryptography.SHA256.HashData(Convert.FromHexString(certificate.Thumbprint))[..16]).ToString(),
            ["startDateTime"] = new DateTimeOffset(certificate.NotBefore.ToUniversalTime()).ToString("o"),
            ["type"] = "AsymmetricX509Cert",
            ["usage"] = "Verify",
        })]),
    };
}
