using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// The service account's sign-in: one refresh-token chain (the OAuth 2.0 refresh-token grant) redeemed at any tenant's
/// token endpoint. Refresh tokens are bound to the user and the client, not to a tenant
/// (learn.microsoft.com/entra/identity-platform/refresh-tokens), so redeemed at a customer tenant's endpoint the same chain
/// gives a delegated token whose rights there are the user's GDAP roles — how CIPP checks and uses GDAP access. Entra
/// rotates the refresh token on every redemption: the newest one received is used next, whichever tenant it came from.
/// </summary>
/// <param name="http">The HTTP client for the token endpoints.</param>
/// <param name="authorityHost">The Entra ID authority host.</param>
/// <param name="app">The app's proof of identity (secret or certificate), required of a confidential client.</param>
/// <param name="refreshToken">The configured refresh token; a newer one in <paramref name="vault"/> takes its place.</param>
/// <param name="vault">Where rotated refresh tokens are kept between runs; null keeps them in memory only.</param>
public sealed class ServiceAccountSession(HttpClient http, Uri authorityHost, AppCredential app, string refreshToken, RefreshTokenVault? vault = null)
{
    readonly ConcurrentDictionary<Guid, RefreshTokenCredential> tenants = new();
    readonly SemaphoreSlim gate = new(1, 1);
    string currentRefreshToken = refreshToken;
    bool loadedFromVault = vault is null;

    /// <summary>The service account signed in to a tenant: its home (partner) tenant, or a customer through GDAP.</summary>
    /// <param name="tenantId">The tenant whose authority issues the tokens.</param>
    /// <returns>The credential (cached per tenant; tokens are cached inside it).</returns>
    public TokenCredential In(Guid tenantId) =>
        this.tenants.GetOrAdd(tenantId, tenant => new RefreshTokenCredential(this, new Uri(authorityHost, $"{tenant}/oauth2/v2.0/token")));

    /// <summary>Redeems the newest refresh token at <paramref name="tokenEndpoint"/> for <paramref name="scope"/>, keeping the rotated one.</summary>
    internal async Task<AccessToken> RedeemAsync(Uri tokenEndpoint, string scope, CancellationToken cancellationToken)
    {
        await this.gate.WaitAsync(cancellationToken);
        try
        {
            if (!this.loadedFromVault)
            {
                this.currentRefreshToken = await vault!.LoadAsync(cancellationToken) ?? this.currentRefreshToken;
                this.loadedFromVault = true;
            }

            if (this.currentRefreshToken.Length == 0 || Settings.SettingsSection.IsUnresolvedKeyVaultReference(this.currentRefreshToken))
            {
                // Checked here, at first use, and not at start-up: only consent and the access check need the service account.
                throw new StepFailedException(this.currentRefreshToken.Length == 0
                    ? "MicrosoftCloud__ServiceAccountRefreshToken is not set: sign the service account in once (README, \"Against a real partner tenant\"), store its refresh token in Key Vault, restart, then retry."
                    : AppCredential.UnresolvedMessage("ServiceAccountRefreshToken"));
            }

            Dictionary<string, string> form = new()
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = this.currentRefreshToken,
                ["scope"] = scope,
            };
            app.AuthenticateRequest(form, tokenEndpoint, DateTimeOffset.UtcNow);

            using HttpResponseMessage response = await http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(form), cancellationToken);
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new HttpRequestException($"The token endpoint answered {(int)response.StatusCode}.", null, response.StatusCode);
            }

            JsonObject body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? [];
            if (!response.IsSuccessStatusCode || body["access_token"] is null)
            {
                // The description carries the AADSTS code (53003 Conditional Access, 50020 no GDAP role there, 65001 not
                // consented, 70000 expired refresh token): what an operator needs, and what callers classify by.
                throw new StepFailedException($"The service account could not sign in: {body["error_description"]?.GetValue<string>() ?? response.StatusCode.ToString()}");
            }

            if (body["refresh_token"]?.GetValue<string>() is { } rotated && rotated != this.currentRefreshToken)
            {
                if (vault is not null)
                {
                    await vault.SaveAsync(rotated, cancellationToken);
                }

                this.currentRefreshToken = rotated;
            }

            return new AccessToken(body["access_token"]!.GetValue<string>(), DateTimeOffset.UtcNow.AddSeconds(body["expires_in"]?.GetValue<int>() ?? 3600));
        }
        finally
        {
            this.gate.Release();
        }
    }
}

/// <summary>The service account's tokens from one tenant's token endpoint, cached per scope until five minutes before expiry.</summary>
/// <param name="session">The refresh-token chain.</param>
/// <param name="tokenEndpoint">The tenant's token endpoint.</param>
public sealed class RefreshTokenCredential(ServiceAccountSession session, Uri tokenEndpoint) : TokenCredential
{
    readonly ConcurrentDictionary<string, AccessToken> cache = new();

    /// <inheritdoc />
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        this.GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        string scope = string.Join(' ', requestContext.Scopes);
        if (this.cache.TryGetValue(scope, out AccessToken cached) && cached.ExpiresOn > DateTimeOffset.UtcNow.AddMinutes(5))
        {
            return cached;
        }

        AccessToken token = await session.RedeemAsync(tokenEndpoint, scope, cancellationToken);
        this.cache[scope] = token;
        return token;
    }
}
