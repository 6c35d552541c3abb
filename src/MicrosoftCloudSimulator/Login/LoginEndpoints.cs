using System.Buffers.Text;
using MicrosoftCloudSimulator.Hosting;
using MicrosoftCloudSimulator.State;

namespace MicrosoftCloudSimulator.Login;

/// <summary>
/// The Entra ID v2.0 endpoints a client library needs: token (client credentials, refresh token), OpenID discovery by
/// tenant ID or domain, and the signing keys. Errors use the OAuth error shape with AADSTS codes.
/// </summary>
public static class LoginEndpoints
{
    /// <summary>Delegated scopes a partner user's token carries (what the partner's app was consented for).</summary>
    static readonly string[] DelegatedScopes =
        ["DelegatedAdminRelationship.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All", "Application.ReadWrite.All", "Policy.ReadWrite.ConditionalAccess", "user_impersonation"];

    public static void MapLogin(this IEndpointRouteBuilder app)
    {
        app.MapPost("/{tenant}/oauth2/v2.0/token", IssueToken).DisableAntiforgery();
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", Discovery);
        app.MapGet("/{tenant}/.well-known/openid-configuration", Discovery);
        app.MapGet("/{tenant}/discovery/v2.0/keys", Keys);
    }

    static string Issuer(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    static IResult Discovery(string tenant, HttpRequest request, SimulatedCloud cloud)
    {
        Tenant? found = cloud.Locked(c => c.FindTenant(tenant));
        if (found is null)
        {
            return TenantNotFound(tenant);
        }

        string issuer = Issuer(request);
        string id = found.Id.ToString();
        return Results.Json(new Dictionary<string, object>
        {
            ["token_endpoint"] = $"{issuer}/{id}/oauth2/v2.0/token",
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "private_key_jwt", "client_secret_basic" },
            ["jwks_uri"] = $"{issuer}/{id}/discovery/v2.0/keys",
            ["response_modes_supported"] = new[] { "query", "fragment", "form_post" },
            ["subject_types_supported"] = new[] { "pairwise" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["response_types_supported"] = new[] { "code", "id_token", "code id_token", "id_token token" },
            ["scopes_supported"] = new[] { "openid", "profile", "email", "offline_access" },
            ["issuer"] = $"{issuer}/{id}/v2.0",
            ["request_uri_parameter_supported"] = false,
            ["userinfo_endpoint"] = $"{issuer}/oidc/userinfo",
            ["authorization_endpoint"] = $"{issuer}/{id}/oauth2/v2.0/authorize",
            ["device_authorization_endpoint"] = $"{issuer}/{id}/oauth2/v2.0/devicecode",
            ["end_session_endpoint"] = $"{issuer}/{id}/oauth2/v2.0/logout",
            ["tenant_region_scope"] = "EU",
            ["cloud_instance_name"] = "microsoftonline.com",
            ["cloud_graph_host_name"] = "graph.windows.net",
            ["msgraph_host"] = "graph.microsoft.com",
        });
    }

    static IResult Keys(SimulatorCertificates certificates)
    {
        System.Security.Cryptography.RSAParameters key = certificates.TokenSigningKey.ExportParameters(includePrivateParameters: false);
        return Results.Json(new
        {
            keys = new[]
            {
                new { kty = "RSA", use = "sig", kid = certificates.TokenSigningKeyId, n = Base64Url.EncodeToString(key.Modulus!), e = Base64Url.EncodeToString(key.Exponent!) },
            },
        });
    }

    static async Task<IResult> IssueToken(string tenant, HttpRequest request, SimulatedCloud cloud, AccessTokens tokens)
    {
        if (!request.HasFormContentType)
        {
            return OAuthError(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }

        IFormCollection form = await request.ReadFormAsync();
        string grant = form["grant_type"].ToString();
        string clientId = form["client_id"].ToString();
        string secret = form["client_secret"].ToString();
        string assertion = form["client_assertion_type"] == ClientAssertions.JwtBearer ? form["client_assertion"].ToString() : string.Empty;
        string scope = form["scope"].ToString();
        string endpoint = $"{request.Scheme}://{request.Host}{request.Path}";

        return cloud.Locked(c =>
        {
            Tenant? target = c.FindTenant(tenant);
            if (target is null)
            {
                return TenantNotFound(tenant);
            }

            if (!Guid.TryParse(clientId, out Guid appId) || !c.Partner.Apps.TryGetValue(appId, out AppRegistration? app))
            {
                return OAuthError(400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{target.DisplayName}'.");
            }

            if (assertion.Length > 0)
            {
                if (ClientAssertions.Refusal(assertion, app, endpoint, DateTimeOffset.UtcNow) is { } refused)
                {
                    return OAuthError(401, "invalid_client", refused.Code, refused.Description);
                }
            }
            else if (grant == "client_credentials" || !string.IsNullOrEmpty(secret))
            {
                if (!string.Equals(secret, app.ClientSecret, StringComparison.Ordinal))
                {
                    return OAuthError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
                }
            }

            string? audience = AudienceOf(scope);
            if (audience is null)
            {
                return OAuthError(400, "invalid_scope", 70011, $"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' ({scope}) is not valid.");
            }

            return grant switch
            {
                "client_credentials" => AppOnly(c, target, app, audience, request, tokens),
                "refresh_token" => Delegated(c, target, app, audience, form["refresh_token"].ToString(), request, tokens),
                _ => OAuthError(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grant}'."),
            };
        });
    }

    static IResult AppOnly(SimulatedCloud cloud, Tenant target, AppRegistration app, string audience, HttpRequest request, AccessTokens tokens)
    {
        IReadOnlyList<string> roles;
        if (target.IsPartner)
        {
            roles = app.Roles;
        }
        else if (target.ServicePrincipals.Values.Any(sp => sp.AppId == app.AppId))
        {
            // Consented into the customer: the app may read the directory there.
            roles = ["Directory.Read.All", "Application.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All"];
        }
        else
        {
            return OAuthError(400, "invalid_client", 700016,
                $"Application with identifier '{app.AppId}' was not found in the directory '{target.DisplayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.");
        }

        (string token, int expiresIn) = tokens.Issue(Issuer(request), new Caller(target.Id, audience, app.AppId, null, cloud.Partner.Id, roles));
        return Results.Json(new { token_type = "Bearer", expires_in = expiresIn, ext_expires_in = expiresIn, access_token = token });
    }

    static IResult Delegated(SimulatedCloud cloud, Tenant target, AppRegistration app, string audience, string refreshToken, HttpRequest request, AccessTokens tokens)
    {
        User? user = cloud.Partner.Users.Values.FirstOrDefault(u => u.Holds(refreshToken));
        if (user is null)
        {
            return OAuthError(400, "invalid_grant", 70000, "The provided value for the 'refresh_token' is not valid or has expired.");
        }

        if (!target.IsPartner)
        {
            if (GdapAccess.BlockingPolicy(cloud, target.Id) is ConditionalAccessPolicy policy)
            {
                return OAuthError(400, "invalid_grant", 53003,
                    $"Access has been blocked by Conditional Access policies. The access policy '{policy.DisplayName}' does not allow token issuance.");
            }

            if (GdapAccess.RolesOf(cloud, user.Id, target.Id).Count == 0)
            {
                return OAuthError(400, "invalid_grant", 50020,
                    $"User account '{user.UserPrincipalName}' from identity provider 'https://sts.windows.net/{cloud.Partner.Id}/' does not exist in tenant '{target.DisplayName}' and cannot access the application '{app.AppId}' in that tenant.");
            }
        }

        (string token, int expiresIn) = tokens.Issue(Issuer(request), new Caller(target.Id, audience, app.AppId, user.Id, cloud.Partner.Id, DelegatedScopes));
        return Results.Json(new
        {
            token_type = "Bearer",
            scope = string.Join(' ', DelegatedScopes.Select(s => $"{audience}/{s}")),
            expires_in = expiresIn,
            ext_expires_in = expiresIn,
            access_token = token,
            refresh_token = Rotate(user),
        });
    }

    /// <summary>A new refresh token for the user, as Entra returns with every redemption.</summary>
    static string Rotate(User user)
    {
        string rotated = $"{user.RefreshToken}.r{user.RotatedRefreshTokens.Count + 1}.{Guid.NewGuid():N}";
        user.RotatedRefreshTokens.Add(rotated);
        return rotated;
    }

    static string? AudienceOf(string scope)
    {
        string resource = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(s => s.EndsWith("/.default", StringComparison.Ordinal))?[..^"/.default".Length] ?? string.Empty;
        return resource.TrimEnd('/') switch
        {
            AccessTokens.GraphAudience or "00000003-0000-0000-c000-000000000000" => AccessTokens.GraphAudience,
            AccessTokens.PartnerCenterAudience => AccessTokens.PartnerCenterAudience,
            AccessTokens.KeyVaultAudience => AccessTokens.KeyVaultAudience,
            _ => null,
        };
    }

    static IResult TenantNotFound(string tenant) => OAuthError(400, "invalid_tenant", 90002,
        $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.");

    static IResult OAuthError(int status, string error, int code, string description) => Results.Json(
        new
        {
            error,
            error_description = $"AADSTS{code}: {description} Trace ID: {Guid.NewGuid()} Correlation ID: {Guid.NewGuid()} Timestamp: {DateTime.UtcNow:yyyy-MM-dd HH:mm:ssZ}",
            error_codes = new[] { code },
            timestamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            trace_id = Guid.NewGuid(),
            correlation_id = Guid.NewGuid(),
        },
        statusCode: status);

}
