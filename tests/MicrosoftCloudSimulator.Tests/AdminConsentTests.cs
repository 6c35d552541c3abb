using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Azure.Core;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using Microsoft.AspNetCore.WebUtilities;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>The admin-consent flow of the enterprise-app (non-GDAP) path, as a customer's administrator answers it.</summary>
public sealed partial class AdminConsentTests() : OwnSimulator
{
    const string Callback = "http://127.0.0.1:7071/api/admin-consent/callback";

    async Task<(HttpStatusCode Status, string Page, string? RequestId)> OpenAsync(Guid tenant, string redirect = Callback)
    {
        string url = QueryHelpers.AddQueryString($"{tenant}/v2.0/adminconsent", new Dictionary<string, string?>
        {
            ["client_id"] = SimulatorTestBed.AppId.ToString(),
            ["scope"] = "https://graph.microsoft.com/.default",
            ["redirect_uri"] = redirect,
            ["state"] = "state-123",
        });
        using HttpResponseMessage page = await this.Bed.Http.GetAsync(url);
        string html = await page.Content.ReadAsStringAsync();
        return (page.StatusCode, html, RequestId().Match(html) is { Success: true } m ? m.Groups[1].Value : null);
    }

    async Task<Dictionary<string, Microsoft.Extensions.Primitives.StringValues>> AnswerAsync(string requestId, string answer)
    {
        using HttpResponseMessage answered = await this.Bed.SimAsync(HttpMethod.Post, $"admin-consent/{requestId}", new { answer });
        string redirect = (await answered.Content.ReadFromJsonAsync<JsonObject>())!["redirect"]!.GetValue<string>();
        Assert.StartsWith(Callback + "?", redirect, StringComparison.Ordinal);
        return QueryHelpers.ParseQuery(new Uri(redirect).Query);
    }

    [Fact]
    public async Task An_administrators_approval_redirects_with_admin_consent_true_and_app_only_tokens_there_carry_the_apps_roles()
    {
        (HttpStatusCode status, _, string? request) = await this.OpenAsync(SimulatorTestBed.Woodgrove);
        Assert.Equal(HttpStatusCode.OK, status);

        var answer = await this.AnswerAsync(request!, "approve");

        Assert.Equal(("True", SimulatorTestBed.Woodgrove.ToString(), "state-123"), (answer["admin_consent"].ToString(), answer["tenant"].ToString(), answer["state"].ToString()));
        using MicrosoftCloudConnection connection = new(this.Bed.Options());
        AccessToken token = await connection.CredentialFor(SimulatorTestBed.Woodgrove).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default);
        Assert.NotNull(await connection.GraphFor(SimulatorTestBed.Woodgrove).Users.GetAsync());
        Assert.False(string.IsNullOrEmpty(token.Token));
    }

    [Fact]
    public async Task A_declined_consent_redirects_with_access_denied_and_grants_nothing()
    {
        (_, _, string? request) = await this.OpenAsync(SimulatorTestBed.Woodgrove);

        var answer = await this.AnswerAsync(request!, "decline");

        Assert.Equal(("access_denied", "AADSTS65004: User declined to consent to access the app.", "state-123"), (answer["error"].ToString(), answer["error_description"].ToString(), answer["state"].ToString()));
        JsonObject state = (await this.Bed.Http.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        JsonNode woodgrove = state["customers"]!.AsArray().Single(c => c!["tenantId"]!.GetValue<string>() == SimulatorTestBed.Woodgrove.ToString())!;
        Assert.DoesNotContain(woodgrove["servicePrincipals"]!.AsArray(), sp => sp!["appId"]!.GetValue<string>() == SimulatorTestBed.AppId.ToString());
    }

    [Fact]
    public async Task A_user_who_is_not_an_administrator_gets_aadsts90094()
    {
        (_, _, string? request) = await this.OpenAsync(SimulatorTestBed.Woodgrove);

        var answer = await this.AnswerAsync(request!, "notAdmin");

        Assert.Equal("AADSTS90094: The grant requires admin permission.", answer["error_description"].ToString());
    }

    [Fact]
    public async Task A_redirect_uri_the_app_did_not_register_gets_an_error_page_and_no_request()
    {
        (HttpStatusCode status, string page, string? request) = await this.OpenAsync(SimulatorTestBed.Woodgrove, "https://attacker.example/callback");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("AADSTS50011: The redirect URI", page, StringComparison.Ordinal);
        Assert.Null(request);
    }

    [GeneratedRegex("<p id=\"request\">([0-9a-f-]+)</p>")]
    private static partial Regex RequestId();
}
