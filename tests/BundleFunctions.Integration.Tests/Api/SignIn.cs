using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Integration.Tests.Onboarding;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>Tokens for the BundleFunctions API from the simulated partner tenant, as people and systems get them from Entra ID.</summary>
public static class SignIn
{
    /// <summary>The seeded <em>BundleFunctions API</em> app registration (defines Reader, Operator, Administrator).</summary>
    public const string ApiAppId = "b7a1c3e5-5555-4a6b-9c1d-000000000001";

    /// <summary>Seeded systems (client ID, secret) holding one role each, and one holding none.</summary>
    public static readonly (string ClientId, string Secret) MonitoringReader = ("b7a1c3e5-6666-4a6b-9c1d-000000000001", "sim-only-monitoring-secret");
    public static readonly (string ClientId, string Secret) PsaOperator = ("b7a1c3e5-6666-4a6b-9c1d-000000000002", "sim-only-psa-secret");
    public static readonly (string ClientId, string Secret) AutomationAdministrator = ("b7a1c3e5-6666-4a6b-9c1d-000000000003", "sim-only-automation-secret");
    public static readonly (string ClientId, string Secret) Unassigned = ("b7a1c3e5-6666-4a6b-9c1d-000000000004", "sim-only-unassigned-secret");

    /// <summary>Seeded people's refresh tokens (their interactive sign-in through the BundleFunctions app).</summary>
    public const string ReaderPerson = "sim-refresh-token-reader";
    public const string OperatorPerson = "sim-refresh-token-operator";
    public const string AdministratorPerson = "sim-refresh-token-admin";

    /// <summary>A system's token (client credentials) for this API, or for <paramref name="scope"/>.</summary>
    public static Task<string> SystemTokenAsync(HttpClient simulator, (string ClientId, string Secret) system, string? scope = null) => TokenAsync(simulator, new Dictionary<string, string>
    {
        ["grant_type"] = "client_credentials",
        ["client_id"] = system.ClientId,
        ["client_secret"] = system.Secret,
        ["scope"] = scope ?? $"api://{ApiAppId}/.default",
    });

    /// <summary>A person's token, redeemed by the BundleFunctions app (the page's backend) from their sign-in.</summary>
    public static Task<string> PersonTokenAsync(HttpClient simulator, string refreshToken) => TokenAsync(simulator, new Dictionary<string, string>
    {
        ["grant_type"] = "refresh_token",
        ["client_id"] = "b7a1c3e5-3333-4a6b-9c1d-000000000001",
        ["client_secret"] = OnboardingStack.ClientSecret,
        ["refresh_token"] = refreshToken,
        ["scope"] = $"api://{ApiAppId}/.default",
    });

    /// <summary>An HTTP client for the API that sends <paramref name="token"/> and no function key.</summary>
    public static HttpClient Client(Uri? api, string token)
    {
        HttpClient client = new() { BaseAddress = api };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    static async Task<string> TokenAsync(HttpClient simulator, Dictionary<string, string> form)
    {
        HttpResponseMessage response = await simulator.PostAsync($"{OnboardingStack.PartnerTenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(form));
        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return body["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException(body.ToJsonString());
    }
}
