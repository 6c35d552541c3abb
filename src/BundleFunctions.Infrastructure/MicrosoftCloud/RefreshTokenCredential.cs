using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// A user's tokens from a refresh token (the OAuth 2.0 refresh-token grant), cached per scope until five minutes before
/// expiry. Entra rotates refresh tokens: the newest one received is used for the next request.
/// </summary>
/// <param name="http">The HTTP client for the token endpoint.</param>
/// <param name="tokenEndpoint">The tenant's token endpoint.</param>
/// <param name="app">The app's proof of identity (secret or certificate), required of a confidential client.</param>
/// <param name="refreshToken">The configured refresh token; a newer one in <paramref name="vault"/> takes its place.</param>
/// <param name="vault">Where rotated refresh tokens are kept between runs; null keeps them in memory only.</param>
public sealed class RefreshTokenCredential(HttpClient http, Uri tokenEndpoint, AppCredential app, string refreshToken, RefreshTokenVault? vault = null) : TokenCredential
{
    readonly ConcurrentDictionary<string, AccessToken> cache = new();
    readonly SemaphoreSlim gate = new(1, 1);
    string currentRefreshToken = refreshToken;
    bool loadedFromVault = vault is null;

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

        await this.gate.WaitAsync(cancellationToken);
        try
        {
            if (!this.loadedFromVault)
            {
                this.currentRefreshToken = await vault!.LoadAsync(cancellationToken) ?? this.currentRefreshToken;
                this.loadedFromVault = true;
            }

            Dictionary<string, string> form = new()
            {
                ["grant_type"] = "refresh_token",
                ["refresh_token"] = this.currentRefreshToken,
                ["scope"] = scope,
            };
            app.AuthenticateRequest(form, tokenEndpoint, DateTimeOffset.UtcNow);

            using HttpResponseMessage response = await http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(form), cancellationToken);
            JsonObject body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? [];
            if (!response.IsSuccessStatusCode || body["access_token"] is null)
            {
                // The description carries the AADSTS code (e.g. 53003 Conditional Access, 70000 expired refresh token): what an operator needs.
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

            AccessToken token = new(body["access_token"]!.GetValue<string>(), DateTimeOffset.UtcNow.AddSeconds(body["expires_in"]?.GetValue<int>() ?? 3600));
            this.cache[scope] = token;
            return token;
        }
        finally
        {
            this.gate.Release();
        }
    }
}
