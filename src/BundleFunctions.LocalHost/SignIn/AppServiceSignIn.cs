using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using BundleFunctions.Api;
using BundleFunctions.Infrastructure;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Infrastructure.Settings;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.WebUtilities;

namespace BundleFunctions.LocalHost.SignIn;

/// <summary>
/// People's sign-in on the LocalHost, shaped like App Service authentication (Easy Auth) in Azure so the operator page works
/// the same on both hosts: <c>/.auth/login/aad</c> starts Entra's authorization code flow with PKCE (against the simulator
/// here), <c>/.auth/login/aad/callback</c> redeems the code as the BundleFunctions API app (a confidential client, as Easy
/// Auth is) and keeps the signed-in person in an HTTP-only, SameSite=Strict session cookie, <c>/.auth/me</c> says who is
/// signed in, <c>/.auth/logout</c> ends it. The API reads the person from the cookie or from a bearer token — whichever the
/// request carries. Returns go only to local paths: a login link cannot send anyone elsewhere.
/// </summary>
public static class AppServiceSignIn
{
    const string Session = "AppServiceAuthSession";
    const string BearerOrSession = "BearerOrSession";
    static readonly TimeSpan SignInLifetime = TimeSpan.FromMinutes(10);

    /// <summary>Sign-ins started and not finished: state → (PKCE verifier, where to return, when started).</summary>
    static readonly ConcurrentDictionary<string, (string Verifier, string ReturnTo, DateTimeOffset Started)> Pending = new(StringComparer.Ordinal);

    /// <summary>Bearer tokens and the session cookie, whichever a request carries; nothing when <c>Api:SignInAppId</c> is unset.</summary>
    /// <param name="builder">The LocalHost's builder.</param>
    public static void AddAppServiceSignIn(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (SignInOf(builder.Configuration) is not { } signIn)
        {
            return;
        }

        builder.Services.AddAuthentication(BearerOrSession)
            .AddPolicyScheme(BearerOrSession, "Bearer token or session cookie", o => o.ForwardDefaultSelector = http =>
                http.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? JwtBearerDefaults.AuthenticationScheme : Session)
            .AddJwtBearer(o =>
            {
                o.Authority = $"{signIn.TenantAuthority}/v2.0";
                o.MapInboundClaims = false;
                o.BackchannelHttpHandler = InfrastructureServices.MicrosoftTls(builder.Configuration)();
                o.TokenValidationParameters.ValidAudiences = [signIn.AppId, $"api://{signIn.AppId}"];
                o.TokenValidationParameters.RoleClaimType = "roles";
                o.TokenValidationParameters.NameClaimType = "preferred_username";
            })
            .AddCookie(Session, o =>
            {
                o.Cookie.Name = Session;
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict; // a cross-site form or script never carries it: no CSRF on the API's writes
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
            });
    }

    /// <summary>Maps <c>/.auth/login/aad</c>, its callback, <c>/.auth/me</c> and <c>/.auth/logout</c>.</summary>
    /// <param name="app">The LocalHost.</param>
    /// <param name="apiPort">The port the API listens on (the callback's address).</param>
    public static void MapAppServiceSignIn(this WebApplication app, int apiPort)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (SignInOf(app.Configuration) is not { } signIn)
        {
            return;
        }

        app.UseAuthentication();
        string callback = $"http://127.0.0.1:{apiPort}/.auth/login/aad/callback";
        app.MapGet("/.auth/login/aad", (HttpRequest request) =>
        {
            string state = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24)), verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            foreach (string stale in Pending.Where(p => DateTimeOffset.UtcNow - p.Value.Started > SignInLifetime).Select(p => p.Key))
            {
                Pending.TryRemove(stale, out _);
            }

            Pending[state] = (verifier, LocalPath(request.Query["post_login_redirect_uri"]), DateTimeOffset.UtcNow);
            return Results.Redirect(QueryHelpers.AddQueryString($"{signIn.TenantAuthority}/oauth2/v2.0/authorize", new Dictionary<string, string?>
            {
                ["client_id"] = signIn.AppId,
                ["response_type"] = "code",
                ["redirect_uri"] = callback,
                ["response_mode"] = "query",
                ["scope"] = $"api://{signIn.AppId}/.default",
                ["state"] = state,
                ["code_challenge"] = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
                ["code_challenge_method"] = "S256",
            }));
        });
        app.MapGet("/.auth/login/aad/callback", async (HttpContext http) =>
        {
            string? state = http.Request.Query["state"], code = http.Request.Query["code"];
            if (state is null || !Pending.TryRemove(state, out var pending) || DateTimeOffset.UtcNow - pending.Started > SignInLifetime)
            {
                return ApiJson.Problem(400, "This sign-in is unknown or expired: start again at /.auth/login/aad.");
            }

            if (code is null)
            {
                return ApiJson.Problem(401, "Entra did not sign you in.", $"{http.Request.Query["error"]}: {http.Request.Query["error_description"]}");
            }

            using HttpClient entra = new(InfrastructureServices.MicrosoftTls(app.Configuration)());
            HttpResponseMessage redeemed = await entra.PostAsync($"{signIn.TenantAuthority}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "authorization_code",
                ["client_id"] = signIn.AppId,
                ["client_secret"] = app.Configuration["MICROSOFT_PROVIDER_AUTHENTICATION_SECRET"] ?? string.Empty,
                ["code"] = code,
                ["redirect_uri"] = callback,
                ["code_verifier"] = pending.Verifier,
                ["scope"] = $"api://{signIn.AppId}/.default",
            }));
            JsonObject answer = (await redeemed.Content.ReadFromJsonAsync<JsonObject>())!;
            if (answer["access_token"]?.GetValue<string>() is not { } token)
            {
                return ApiJson.Problem(401, "Entra refused the sign-in.", answer["error_description"]?.GetValue<string>());
            }

            // Who signed in is what the token says; it came from Entra's token endpoint over TLS for this very redemption.
            JsonObject claims = EntraAnswers.Claims(token);
            List<Claim> identity = [.. new[] { "preferred_username", "name", "oid", "tid" }.Where(t => claims[t] is not null).Select(t => new Claim(t, claims[t]!.GetValue<string>()))];
            identity.AddRange((claims["roles"]?.AsArray() ?? []).Select(r => new Claim("roles", r!.GetValue<string>())));
            await http.SignInAsync(Session, new ClaimsPrincipal(new ClaimsIdentity(identity, Session, "preferred_username", "roles")));
            return Results.Redirect(pending.ReturnTo);
        });
        app.MapGet("/.auth/me", (HttpContext http) =>
        {
            // As App Service answers it: the signed-in principal's claims, or 401.
            ApiCaller? caller = http.User.Identity?.AuthenticationType == Session ? ApiCaller.SignedIn(http.User) : null;
            return caller is null
                ? Results.Json(new { error = "Not signed in." }, statusCode: 401)
                : Results.Json(new[]
                {
                    new
                    {
                        provider_name = "aad",
                        user_id = caller.Name,
                        user_claims = http.User.Claims.Select(c => new { typ = c.Type, val = c.Value }),
                    },
                });
        });
        app.MapGet("/.auth/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(Session);
            return Results.Redirect(LocalPath(http.Request.Query["post_logout_redirect_uri"]));
        });
    }

    /// <summary>
    /// The sign-in settings, read as the rest of the app reads them (a malformed ID stops start-up naming the setting), or
    /// null when <c>Api__SignInAppId</c> is unset: the API app's ID and the partner tenant's authority (its authorize and
    /// token endpoints under <c>/oauth2/v2.0</c>, its OpenID metadata under <c>/v2.0</c>).
    /// </summary>
    static (string AppId, string TenantAuthority)? SignInOf(IConfiguration configuration)
    {
        if (SettingsSection.Read<ApiOptions>(configuration, ApiOptions.Section).SignInAppId is not { } appId)
        {
            return null;
        }

        MicrosoftCloudOptions cloud = SettingsSection.Read<MicrosoftCloudOptions>(configuration, MicrosoftCloudOptions.Section);
        return (appId.ToString(), $"{cloud.AuthorityHost.AbsoluteUri.TrimEnd('/')}/{cloud.PartnerTenantId}");
    }

    /// <summary>A return address on this host only ("/…", not "//…"), else the root: no open redirect.</summary>
    static string LocalPath(string? requested) =>
        requested is { Length: > 0 and < 2048 } path && path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) && !path.StartsWith("/\\", StringComparison.Ordinal) ? path : "/";
}
