using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.Hosting;

namespace MicrosoftCloudSimulator.Login;

/// <summary>Who a request acts as, read from a validated access token.</summary>
/// <param name="TenantId">The tenant the token was issued by (<c>tid</c>).</param>
/// <param name="Audience">The API the token is for.</param>
/// <param name="AppId">The client application.</param>
/// <param name="UserId">The signed-in user for a delegated token; null for app-only.</param>
/// <param name="HomeTenantId">The user's home tenant (the partner, for a GDAP sign-in into a customer).</param>
/// <param name="Permissions">Roles (app-only) or scopes (delegated).</param>
/// <param name="MultiFactor">For a delegated token: whether the sign-in behind it used multi-factor authentication.</param>
/// <param name="UserPrincipalName">For a delegated token: the user's sign-in name.</param>
/// <param name="UserRoles">For a delegated token to one of the partner's APIs: the API's app roles assigned to the user.</param>
/// <param name="UserName">For a delegated token: the user's display name.</param>
public sealed record Caller(
    Guid TenantId,
    string Audience,
    Guid AppId,
    Guid? UserId,
    Guid HomeTenantId,
    IReadOnlyList<string> Permissions,
    bool MultiFactor = false,
    string? UserPrincipalName = null,
    IReadOnlyList<string>? UserRoles = null,
    string? UserName = null)
{
    public bool IsAppOnly => this.UserId is null;
}

/// <summary>Issues and validates RS256 JWTs shaped like Entra ID v2.0 access tokens.</summary>
public sealed class AccessTokens(SimulatorCertificates certificates, SimulatorOptions options, TimeProvider realTime)
{
    public const string GraphAudience = "https://graph.microsoft.com";
    public const string PartnerCenterAudience = "https://api.partnercenter.microsoft.com";
    public const string KeyVaultAudience = "https://vault.azure.net";

    static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    /// <summary>Issues a token. Times are real (not simulated) so client token caches and server checks agree.</summary>
    public (string Token, int ExpiresIn) Issue(string issuerBase, Caller caller)
    {
        DateTimeOffset now = realTime.GetUtcNow();
        long iat = now.ToUnixTimeSeconds();
        JsonObject payload = new()
        {
            ["aud"] = caller.Audience,
            ["iss"] = $"{issuerBase}/{caller.TenantId}/v2.0",
            ["iat"] = iat,
            ["nbf"] = iat,
            ["exp"] = iat + (long)options.TokenLifetime.TotalSeconds,
            ["tid"] = caller.TenantId.ToString(),
            ["appid"] = caller.AppId.ToString(),
            ["azp"] = caller.AppId.ToString(),
            ["idtyp"] = caller.IsAppOnly ? "app" : "user",
            ["ver"] = "2.0",
            ["home_tid"] = caller.HomeTenantId.ToString(),
        };
        if (caller.UserId is Guid user)
        {
            payload["oid"] = user.ToString();
            payload["scp"] = string.Join(' ', caller.Permissions);

            // How the user signed in (learn.microsoft.com/entra/identity-platform/access-token-claims-reference, "amr"):
            // "mfa" only when a second factor was used; what CIPP reads to tell an MFA-less service account
            // (Test-CIPPAccessPermissions.ps1: "Your access token does not contain the MFA claim").
            payload["amr"] = new JsonArray([.. (caller.MultiFactor ? new[] { "pwd", "mfa" } : ["pwd"]).Select(m => (JsonNode)m)]);
            payload["upn"] = caller.UserPrincipalName;
            payload["preferred_username"] = caller.UserPrincipalName;
            payload["name"] = caller.UserName;
            if (caller.UserRoles is { Count: > 0 } roles)
            {
                payload["roles"] = new JsonArray([.. roles.Select(r => (JsonNode)r)]);
            }
        }
        else
        {
            payload["roles"] = new JsonArray([.. caller.Permissions.Select(p => (JsonNode)p)]);
        }

        JsonObject header = new() { ["alg"] = "RS256", ["typ"] = "JWT", ["kid"] = certificates.TokenSigningKeyId };
        string signingInput = $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(header.ToJsonString(Compact)))}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.ToJsonString(Compact)))}";
        byte[] signature = certificates.TokenSigningKey.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return ($"{signingInput}.{Base64Url.EncodeToString(signature)}", (int)options.TokenLifetime.TotalSeconds - 1);
    }

    /// <summary>Validates a bearer token for an API; returns the caller or why it was refused.</summary>
    public (Caller? Caller, string? Problem) Validate(string? authorization, string audience)
    {
        if (string.IsNullOrEmpty(authorization) || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return (null, "Access token is empty.");
        }

        string[] parts = authorization["Bearer ".Length..].Trim().Split('.');
        if (parts.Length != 3)
        {
            return (null, "IDX14100: JWT is not well formed.");
        }

        byte[] signature;
        JsonNode? claims;
        try
        {
            signature = Base64Url.DecodeFromChars(parts[2]);
            claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]));
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return (null, "IDX14100: JWT is not well formed.");
        }

        if (!certificates.TokenSigningKey.VerifyData(Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return (null, "Access token validation failure: invalid signature.");
        }

        if (claims!["exp"]!.GetValue<long>() <= realTime.GetUtcNow().ToUnixTimeSeconds())
        {
            return (null, "Lifetime validation failed, the token is expired.");
        }

        if (claims["aud"]!.GetValue<string>() != audience)
        {
            return (null, "Invalid audience.");
        }

        string? scopes = claims["scp"]?.GetValue<string>();
        IReadOnlyList<string> permissions = scopes is not null
            ? scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            : [.. claims["roles"]?.AsArray().Select(r => r!.GetValue<string>()) ?? []];
        Guid? user = claims["oid"] is JsonNode oid && scopes is not null ? Guid.Parse(oid.GetValue<string>()) : null;
        return (new Caller(
            Guid.Parse(claims["tid"]!.GetValue<string>()),
            audience,
            Guid.Parse(claims["appid"]!.GetValue<string>()),
            user,
            Guid.Parse(claims["home_tid"]!.GetValue<string>()),
            permissions), null);
    }
}
