using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using BundleFunctions.Infrastructure.MicrosoftCloud;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>
/// People's sign-in on the LocalHost, shaped like App Service authentication: /.auth/login/aad through the simulated Entra's
/// authorization code flow with PKCE, a session cookie the API accepts, /.auth/me, /.auth/logout.
/// </summary>
public sealed partial class PageSignInTests(PublicApiStack stack) : IClassFixture<PublicApiStack>
{
    [Fact]
    public async Task A_person_signs_in_through_entra_and_the_api_knows_them_by_their_session()
    {
        using Browser browser = await this.OpenAsync();

        Uri landed = await browser.SignInAsync("operator@contosomsp.onmicrosoft.com", "/api/onboardings?status=failed");
        HttpResponseMessage listed = await browser.Api.GetAsync(landed.OriginalString.TrimStart('/'));
        JsonArray me = (await browser.Api.GetFromJsonAsync<JsonArray>(".auth/me"))!;
        HttpResponseMessage administrator = await browser.Api.PostAsJsonAsync("api/relationships/remove-global-administrator", new { all = true });

        Assert.Equal("/api/onboardings?status=failed", landed.OriginalString);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal("operator@contosomsp.onmicrosoft.com", me[0]!["user_id"]!.GetValue<string>());
        Assert.Contains(me[0]!["user_claims"]!.AsArray(), c => c!["typ"]!.GetValue<string>() == "roles" && c["val"]!.GetValue<string>() == "BundleFunctions.Operator");
        Assert.Equal(HttpStatusCode.Forbidden, administrator.StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        using Browser browser = await this.OpenAsync();
        await browser.SignInAsync("reader@contosomsp.onmicrosoft.com", "/");

        HttpResponseMessage signedOut = await browser.Api.GetAsync(".auth/logout");

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Api.GetAsync(".auth/me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.Api.GetAsync("api/onboardings")).StatusCode);
    }

    [Fact]
    public async Task A_login_link_never_returns_anywhere_but_this_host_and_an_unknown_sign_in_is_refused()
    {
        using Browser browser = await this.OpenAsync();

        Uri landed = await browser.SignInAsync("reader@contosomsp.onmicrosoft.com", "https://evil.example/phish");
        HttpResponseMessage forged = await browser.Api.GetAsync(".auth/login/aad/callback?code=abc&state=never-issued");

        Assert.Equal("/", landed.OriginalString);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    async Task<Browser> OpenAsync()
    {
        (await stack.Sim.PostAsJsonAsync($"_sim/apps/{SignIn.ApiAppId}/redirect-uris", new { uri = $"http://127.0.0.1:{stack.Host.ApiPort}/.auth/login/aad/callback" })).EnsureSuccessStatusCode();
        return new Browser(stack);
    }

    [GeneratedRegex("name=\"request\" value=\"([0-9a-f-]{36})\"")]
    private static partial Regex RequestId();

    /// <summary>A browser: cookies kept per site, redirects shown rather than followed.</summary>
    sealed class Browser : IDisposable
    {
        readonly HttpClient entra;

        public Browser(PublicApiStack stack)
        {
            this.Api = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = stack.Api.BaseAddress };
            SocketsHttpHandler toEntra = MicrosoftCloudConnection.CreateHandler(stack.Simulator.Thumbprint);
            toEntra.AllowAutoRedirect = false;
            this.entra = new HttpClient(toEntra) { BaseAddress = stack.Simulator.BaseAddress };
        }

        public HttpClient Api { get; }

        /// <summary>Opens the login link, signs in at Entra as <paramref name="username"/>, follows back; returns where the host sent the browser.</summary>
        public async Task<Uri> SignInAsync(string username, string returnTo)
        {
            HttpResponseMessage login = await this.Api.GetAsync($".auth/login/aad?post_login_redirect_uri={Uri.EscapeDataString(returnTo)}");
            string form = await this.entra.GetStringAsync(login.Headers.Location);
            HttpResponseMessage signedIn = await this.entra.PostAsync(
                login.Headers.Location!.GetLeftPart(UriPartial.Path),
                new FormUrlEncodedContent(new Dictionary<string, string> { ["request"] = RequestId().Match(form).Groups[1].Value, ["username"] = username }));
            HttpResponseMessage back = await this.Api.GetAsync(signedIn.Headers.Location);
            Assert.Equal(HttpStatusCode.Redirect, back.StatusCode);
            return back.Headers.Location!;
        }

        public void Dispose()
        {
            this.Api.Dispose();
            this.entra.Dispose();
        }
    }
}
