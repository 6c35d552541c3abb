using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MicrosoftCloudSimulator.State;

namespace MicrosoftCloudSimulator.Login;

/// <summary>A sign-in a browser started at <c>/authorize</c>, waiting for the user to sign in.</summary>
/// <param name="Id">The simulator's handle for it (the form carries it).</param>
/// <param name="TenantId">The tenant signing in.</param>
/// <param name="AppId">The client asking.</param>
/// <param name="RedirectUri">Where the code goes (registered on the app).</param>
/// <param name="State">The client's state, returned as is.</param>
/// <param name="CodeChallenge">PKCE: base64url(SHA-256(code_verifier)).</param>
public sealed record AuthorizationRequest(Guid Id, Guid TenantId, Guid AppId, string RedirectUri, string? State, string CodeChallenge);

/// <summary>An authorization code handed to the client's redirect URI.</summary>
/// <param name="Request">The sign-in it ends.</param>
/// <param name="UserId">Who signed in.</param>
/// <param name="IssuedAt">When (real time, like tokens).</param>
public sealed record IssuedCode(AuthorizationRequest Request, Guid UserId, DateTimeOffset IssuedAt);

/// <summary>
/// The authorization code flow with PKCE (learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow), for the
/// operator page's sign-in: <c>GET /{tenant}/oauth2/v2.0/authorize</c> checks the client and its registered redirect URI
/// (else an error page, AADSTS700016 / AADSTS50011, and no redirect) and shows a sign-in form for the tenant's users — the
/// simulator has no passwords: a seeded user signs in by name —; its POST redirects with <c>code</c> and <c>state</c>. The
/// code is redeemed once (AADSTS54005), within 10 minutes (AADSTS70008), by the same client with the same redirect URI
/// (AADSTS500112) and the verifier whose S256 hash is the challenge (AADSTS50148). The simulator requires PKCE for every
/// client (Entra requires it for public clients and recommends it for all): stricter, never more lenient.
/// </summary>
public static class AuthorizationCodes
{
    static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    public static void MapAuthorizationCodes(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", Open);
        app.MapPost("/{tenant}/oauth2/v2.0/authorize", SignIn).DisableAntiforgery();
    }

    static IResult Open(string tenant, HttpRequest request, SimulatedCloud cloud) => cloud.Locked(c =>
    {
        string clientId = request.Query["client_id"].ToString(), redirect = request.Query["redirect_uri"].ToString();
        Tenant? target = c.FindTenant(tenant);
        if (target is null)
        {
            return Page(400, $"AADSTS90002: Tenant '{WebUtility.HtmlEncode(tenant)}' not found.");
        }

        if (!Guid.TryParse(clientId, out Guid appId) || !c.Partner.Apps.TryGetValue(appId, out AppRegistration? app))
        {
            return Page(400, $"AADSTS700016: Application with identifier '{WebUtility.HtmlEncode(clientId)}' was not found in the directory '{WebUtility.HtmlEncode(target.DisplayName)}'.");
        }

        if (!app.RedirectUris.Contains(redirect, StringComparer.Ordinal))
        {
            return Page(400, $"AADSTS50011: The redirect URI '{WebUtility.HtmlEncode(redirect)}' specified in the request does not match the redirect URIs configured for the application '{app.AppId}'.");
        }

        // From here Entra answers errors at the redirect URI, as the protocol's error response.
        if (request.Query["response_type"] != "code")
        {
            return Redirect(redirect, new() { ["error"] = "unsupported_response_type", ["error_description"] = "AADSTS700054: response_type 'code' is required.", ["state"] = request.Query["state"] });
        }

        if (request.Query["code_challenge_method"] != "S256" || request.Query["code_challenge"].ToString() is not { Length: 43 } challenge)
        {
            return Redirect(redirect, new() { ["error"] = "invalid_request", ["error_description"] = "AADSTS9002325: Proof Key for Code Exchange is required: send code_challenge with code_challenge_method S256.", ["state"] = request.Query["state"] });
        }

        AuthorizationRequest opened = new(Guid.NewGuid(), target.Id, app.AppId, redirect, request.Query["state"].FirstOrDefault(), challenge);
        c.AuthorizationRequests[opened.Id] = opened;
        return SignInForm(target, opened, problem: null);
    });

    static async Task<IResult> SignIn(string tenant, HttpRequest request, SimulatedCloud cloud)
    {
        IFormCollection form = await request.ReadFormAsync();
        string username = form["username"].ToString().Trim();
        return cloud.Locked(c =>
        {
            if (!Guid.TryParse(form["request"], out Guid id) || !c.AuthorizationRequests.TryGetValue(id, out AuthorizationRequest? open))
            {
                return Page(400, "AADSTS900561: This sign-in has expired or was already used: start again from the application.");
            }

            Tenant target = c.Tenants[open.TenantId];
            User? user = target.Users.Values.FirstOrDefault(u => string.Equals(u.UserPrincipalName, username, StringComparison.OrdinalIgnoreCase));
            if (user is null)
            {
                return SignInForm(target, open, $"AADSTS50034: The user account {username} does not exist in the {target.Domain} directory.");
            }

            c.AuthorizationRequests.Remove(open.Id);
            string code = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
            c.AuthorizationCodes[code] = new IssuedCode(open, user.Id, DateTimeOffset.UtcNow);
            return Redirect(open.RedirectUri, new() { ["code"] = code, ["state"] = open.State });
        });
    }

    /// <summary>The token endpoint's <c>authorization_code</c> grant (the client already authenticated).</summary>
    internal static IResult Redeem(SimulatedCloud cloud, Tenant target, AppRegistration app, string audience, IFormCollection form, HttpRequest request, AccessTokens tokens)
    {
        string code = form["code"].ToString();
        if (!cloud.AuthorizationCodes.TryGetValue(code, out IssuedCode? issued))
        {
            return cloud.RedeemedCodes.Contains(code)
                ? LoginEndpoints.OAuthError(400, "invalid_grant", 54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
                : LoginEndpoints.OAuthError(400, "invalid_grant", 70000, "Provided grant is invalid or malformed.");
        }

        cloud.AuthorizationCodes.Remove(code);
        cloud.RedeemedCodes.Add(code);
        if (DateTimeOffset.UtcNow - issued.IssuedAt > CodeLifetime)
        {
            return LoginEndpoints.OAuthError(400, "invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.");
        }

        if (issued.Request.AppId != app.AppId || issued.Request.TenantId != target.Id)
        {
            return LoginEndpoints.OAuthError(400, "invalid_grant", 70000, "Provided grant is invalid or malformed: the code was issued to a different client.");
        }

        if (!string.Equals(form["redirect_uri"], issued.Request.RedirectUri, StringComparison.Ordinal))
        {
            return LoginEndpoints.OAuthError(400, "invalid_grant", 500112, "The reply address does not match the reply address provided when requesting Authorization code.");
        }

        if (!string.Equals(Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString()))), issued.Request.CodeChallenge, StringComparison.Ordinal))
        {
            return LoginEndpoints.OAuthError(400, "invalid_grant", 50148, "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.");
        }

        return LoginEndpoints.IssueDelegated(cloud, target, app, audience, target.Users[issued.UserId], request, tokens);
    }

    static IResult Redirect(string redirectUri, Dictionary<string, string?> query) =>
        Results.Redirect(Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(redirectUri, query));

    static IResult SignInForm(Tenant tenant, AuthorizationRequest open, string? problem) => Results.Content(
        $"""
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to your account (simulated)</title></head>
        <body><main><h1>Sign in</h1><p>{WebUtility.HtmlEncode(tenant.DisplayName)}</p>
        {(problem is null ? string.Empty : $"<p role=\"alert\" id=\"error\">{WebUtility.HtmlEncode(problem)}</p>")}
        <form method="post"><input type="hidden" name="request" value="{open.Id}">
        <label for="username">Sign-in name</label> <input id="username" name="username" type="email" autocomplete="username" required>
        <button type="submit" id="signin">Sign in</button></form>
        <p>Simulator: no passwords; sign in as one of {string.Join(", ", tenant.Users.Values.Select(u => WebUtility.HtmlEncode(u.UserPrincipalName)))}.</p></main></body></html>
        """,
        "text/html",
        statusCode: problem is null ? 200 : 400);

    static IResult Page(int status, string message) => Results.Content(
        $"<!doctype html><html lang=\"en\"><head><title>Microsoft identity platform (simulated)</title></head><body><p id=\"error\">{message}</p></body></html>", "text/html", statusCode: status);
}
