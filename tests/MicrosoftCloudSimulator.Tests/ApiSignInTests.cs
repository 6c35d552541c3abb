using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>
/// Tokens for the partner's own API (the seeded BundleFunctions API app registration with its app roles): systems by client
/// credentials, people through the authorization code flow with PKCE.
/// </summary>
public sealed partial class ApiSignInTests(SimulatorTestBed bed) : IClassFixture<SimulatorTestBed>
{
    const string ApiApp = "b7a1c3e5-5555-4a6b-9c1d-000000000001";
    const string Page = "b7a1c3e5-3333-4a6b-9c1d-000000000001";
    const string PageSecret = "sim-only-client-secret";
    const string Callback = "http://127.0.0.1:7071/signin-oidc";

    [Fact]
    public async Task A_system_gets_the_roles_the_api_assigned_it_and_one_without_an_assignment_none()
    {
        JsonObject psa = Claims(await this.TokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = "b7a1c3e5-6666-4a6b-9c1d-000000000002", ["client_secret"] = "sim-only-psa-secret", ["scope"] = $"api://{ApiApp}/.default" }));
        JsonObject unassigned = Claims(await this.TokenAsync(new() { ["grant_type"] = "client_credentials", ["client_id"] = "b7a1c3e5-6666-4a6b-9c1d-000000000004", ["client_secret"] = "sim-only-unassigned-secret", ["scope"] = $"api://{ApiApp}/.default" }));

        Assert.Equal((ApiApp, "BundleFunctions.Operator"), (psa["aud"]!.GetValue<string>(), psa["roles"]!.AsArray().Single()!.GetValue<string>()));
        Assert.Empty(unassigned["roles"]!.AsArray());
    }

    [Fact]
    public async Task A_person_signs_in_with_pkce_and_the_token_names_them_with_their_roles()
    {
        (string verifier, string challenge) = Pkce();
        await this.RegisterCallbackAsync();

        Uri redirect = await this.SignInAsync("admin@contosomsp.onmicrosoft.com", challenge, state: "xyz");
        string code = Query(redirect, "code");
        JsonObject token = Claims(await this.RedeemAsync(code, verifier));

        Assert.Equal("xyz", Query(redirect, "state"));
        Assert.Equal(
            (ApiApp, "admin@contosomsp.onmicrosoft.com", "Ada Administrator", "BundleFunctions.Administrator"),
            (token["aud"]!.GetValue<string>(), token["preferred_username"]!.GetValue<string>(), token["name"]!.GetValue<string>(), token["roles"]!.AsArray().Single()!.GetValue<string>()));
    }

    [Fact]
    public async Task A_code_is_refused_with_the_wrong_verifier_and_when_redeemed_twice()
    {
        (string verifier, string challenge) = Pkce();
        await this.RegisterCallbackAsync();
        string first = Query(await this.SignInAsync("reader@contosomsp.onmicrosoft.com", challenge), "code");
        string second = Query(await this.SignInAsync("reader@contosomsp.onmicrosoft.com", challenge), "code");

        string wrongVerifier = await this.RedeemErrorAsync(first, verifier + "x");
        await this.RedeemAsync(second, verifier);
        string again = await this.RedeemErrorAsync(second, verifier);

        Assert.StartsWith("AADSTS50148: The code_verifier does not match the code_challenge", wrongVerifier, StringComparison.Ordinal);
        Assert.StartsWith("AADSTS54005: OAuth2 Authorization code was already redeemed", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_gets_an_error_page_and_no_redirect()
    {
        (_, string challenge) = Pkce();
        using HttpClient browser = this.Browser();

        HttpResponseMessage page = await browser.GetAsync(AuthorizeUrl("http://127.0.0.1:1/elsewhere", challenge, "s"));

        Assert.Equal(HttpStatusCode.BadRequest, page.StatusCode);
        Assert.Contains("AADSTS50011: The redirect URI", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_pkce_the_sign_in_is_refused_at_the_redirect_uri()
    {
        await this.RegisterCallbackAsync();
        using HttpClient browser = this.Browser();

        HttpResponseMessage page = await browser.GetAsync($"{SimulatorTestBed.PartnerTenantId}/oauth2/v2.0/authorize?client_id={Page}&response_type=code&redirect_uri={Uri.EscapeDataString(Callback)}&scope={Uri.EscapeDataString($"api://{ApiApp}/.default")}&state=s");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("invalid_request", Query(page.Headers.Location!, "error"));
    }

    static (string Verifier, string Challenge) Pkce()
    {
        string verifier = System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (verifier, System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))));
    }

    static string AuthorizeUrl(string redirect, string challenge, string state) =>
        $"{SimulatorTestBed.PartnerTenantId}/oauth2/v2.0/authorize?client_id={Page}&response_type=code&redirect_uri={Uri.EscapeDataString(redirect)}"
        + $"&scope={Uri.EscapeDataString($"api://{ApiApp}/.default")}&state={state}&code_challenge={challenge}&code_challenge_method=S256";

    static string Query(Uri uri, string name) => Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(uri.Query)[name].ToString();

    static JsonObject Claims(string jwt) => BundleFunctions.Infrastructure.MicrosoftCloud.EntraAnswers.Claims(jwt);

    [GeneratedRegex("name=\"request\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex RequestId();

    /// <summary>A browser that shows redirects instead of following them.</summary>
    HttpClient Browser()
    {
        SocketsHttpHandler handler = BundleFunctions.Infrastructure.MicrosoftCloud.MicrosoftCloudConnection.CreateHandler(bed.Simulator.Thumbprint);
        handler.AllowAutoRedirect = false;
        return new HttpClient(handler) { BaseAddress = bed.Simulator.BaseAddress };
    }

    async Task RegisterCallbackAsync() => (await bed.Http.PostAsJsonAsync($"_sim/apps/{Page}/redirect-uris", new { uri = Callback })).EnsureSuccessStatusCode();

    /// <summary>The browser opens /authorize, the person types their name and signs in; returns where Entra redirects.</summary>
    async Task<Uri> SignInAsync(string username, string challenge, string state = "s")
    {
        using HttpClient browser = this.Browser();
        string form = await browser.GetStringAsync(AuthorizeUrl(Callback, challenge, state));
        HttpResponseMessage signedIn = await browser.PostAsync($"{SimulatorTestBed.PartnerTenantId}/oauth2/v2.0/authorize", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["request"] = RequestId().Match(form).Groups[1].Value,
            ["username"] = username,
        }));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        return signedIn.Headers.Location!;
    }

    Task<string> RedeemAsync(string code, string verifier) => this.TokenAsync(new()
    {
        ["grant_type"] = "authorization_code", ["client_id"] = Page, ["client_secret"] = PageSecret, ["code"] = code, ["redirect_uri"] = Callback, ["code_verifier"] = verifier, ["scope"] = $"api://{ApiApp}/.default",
    });

    async Task<string> RedeemErrorAsync(string code, string verifier)
    {
        HttpResponseMessage response = await bed.Http.PostAsync($"{SimulatorTestBed.PartnerTenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["client_id"] = Page, ["client_secret"] = PageSecret, ["code"] = code, ["redirect_uri"] = Callback, ["code_verifier"] = verifier, ["scope"] = $"api://{ApiApp}/.default",
        }));
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["error_description"]!.GetValue<string>();
    }

    async Task<string> TokenAsync(Dictionary<string, string> form)
    {
        HttpResponseMessage response = await bed.Http.PostAsync($"{SimulatorTestBed.PartnerTenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(form));
        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return body["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException(body.ToJsonString());
    }
}
