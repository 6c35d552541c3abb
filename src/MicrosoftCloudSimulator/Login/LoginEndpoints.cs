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
    /// <summary>The resource app behind each token audience (its service principal holds a tenant's delegated grants).</summary>
    static readonly Dictionary<string, Guid> ResourceApps = new()
    {
        [AccessTokens.GraphAudience] = Guid.Parse("00000003-0000-0000-c000-000000000000"),
        [AccessTokens.PartnerCenterAudience] = Guid.Parse("fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"),
        [AccessTokens.KeyVaultAudience] = Guid.Parse("cfa8b339-82a2-471a-a3c9-0fc0be7a4093"),
    };

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

            // Every grant of a confidential client must authenticate the client, the refresh-token grant included
            // (AADSTS7000218: learn.microsoft.com/troubleshoot/entra/entra-id/app-integration/confidential-client-application-authentication-error-aadsts7000218).
            if (assertion.Length > 0)
            {
                if (ClientAssertions.Refusal(assertion, app, endpoint, DateTimeOffset.UtcNow) is { } refused)
                {
                    return OAuthError(401, "invalid_client", refused.Code, refused.Description);
                }
            }
            else if (string.IsNullOrEmpty(secret))
            {
                return OAuthError(401, "invalid_client", 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
            }
            else if (!string.Equals(secret, app.ClientSecret, StringComparison.Ordinal))
            {
                return OAuthError(401, "invalid_client", 7000215, "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.");
            }
            else if (c.Clock.UtcNow >= app.SecretEndDateTime)
            {
                // A secret past its endDateTime stops working at once: AADSTS7000222 (the error Entra returns; its text as
                // quoted in the AADSTS error code list, learn.microsoft.com/entra/identity-platform/reference-error-codes).
                return OAuthError(401, "invalid_client", 7000222, $"The provided client secret keys for app '{app.AppId}' are expired. Visit the Azure portal to create new keys for your app, or consider using certificate credentials for added security.");
            }

            string? audience = AudienceOf(scope, c.Partner);
            if (audience is null)
            {
                return OAuthError(400, "invalid_scope", 70011, $"The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' ({scope}) is not valid.");
            }

            return grant switch
            {
                "client_credentials" => AppOnly(c, target, app, audience, request, tokens),
                "refresh_token" => Delegated(c, target, app, audience, form["refresh_token"].ToString(), request, tokens),
                "authorization_code" => AuthorizationCodes.Redeem(c, target, app, audience, form, request, tokens),
                _ => OAuthError(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grant}'."),
            };
        });
    }

    /// <summary>
    /// An app-only token carries the app roles granted to the app's service principal in the token's tenant: in its home
    /// tenant those of its registration, elsewhere only app role assignments made there. Partner Center consent makes none
    /// (it grants delegated permissions only: learn.microsoft.com/partner-center/developer/control-panel-vendor-apis), so an
    /// app-only token in a customer tenant consented that way has no <c>roles</c> and Graph refuses it.
    /// </summary>
    static IResult AppOnly(SimulatedCloud cloud, Tenant target, AppRegistration app, string audience, HttpRequest request, AccessTokens tokens)
    {
        IReadOnlyList<string> roles;
        if (ApiOf(cloud.Partner, audience) is { } api)
        {
            // A token for one of the partner's APIs carries the roles that API's service principal assigned to this client
            // (learn.microsoft.com/entra/identity-platform/howto-add-app-roles-in-apps, "Assign app roles to applications").
            if (!target.IsPartner)
            {
                return OAuthError(400, "invalid_resource", 500011, $"The resource principal named {audience} was not found in the tenant named {target.DisplayName}.");
            }

            roles = api.RoleAssignments.GetValueOrDefault(app.AppId) ?? [];
        }
        else if (target.IsPartner)
        {
            roles = app.Roles;
        }
        else if (target.ServicePrincipals.Values.FirstOrDefault(sp => sp.AppId == app.AppId) is { } servicePrincipal)
        {
            roles = [.. servicePrincipal.AppRoles];
        }
        else
        {
            return OAuthError(400, "invalid_client", 700016,
                $"Application with identifier '{app.AppId}' was not found in the directory '{target.DisplayName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.");
        }

        (string token, int expiresIn) = tokens.Issue(Issuer(request), new Caller(target.Id, audience, app.AppId, null, cloud.Partner.Id, roles));
        return Results.Json(new { token_type = "Bearer", expires_in = expiresIn, ext_expires_in = expiresIn, access_token = token });
    }

    /// <summary>
    /// A partner user's refresh token redeemed at a tenant's token endpoint. Refresh tokens are bound to user and client but
    /// not to a tenant (learn.microsoft.com/entra/identity-platform/refresh-tokens), which is how GDAP tools sign in to a
    /// customer (CIPP <c>Get-GraphToken</c> with a customer tenant id). In a customer tenant the user needs a GDAP role
    /// there (an active, propagated access assignment of a group they are in), else Entra answers AADSTS50020; Conditional
    /// Access may block (AADSTS53003); and the app must be consented there (AADSTS65001). The token carries exactly the
    /// delegated scopes consented for the app in that tenant for that resource.
    /// </summary>
    static IResult Delegated(SimulatedCloud cloud, Tenant target, AppRegistration app, string audience, string refreshToken, HttpRequest request, AccessTokens tokens)
    {
        User? user = cloud.Partner.Users.Values.FirstOrDefault(u => u.ClientOf(refreshToken) is not null);
        if (user is null)
        {
            return OAuthError(400, "invalid_grant", 70000, "The provided value for the 'refresh_token' is not valid or has expired.");
        }

        if (user.ClientOf(refreshToken) != app.AppId)
        {
            return OAuthError(400, "invalid_grant", 70000, "Provided grant is invalid or malformed: the refresh token was issued to a different client.");
        }

        return IssueDelegated(cloud, target, app, audience, user, request, tokens);
    }

    /// <summary>A signed-in partner user's token for <paramref name="audience"/> in <paramref name="target"/>, with a new refresh token.</summary>
    internal static IResult IssueDelegated(SimulatedCloud cloud, Tenant target, AppRegistration app, string audience, User user, HttpRequest request, AccessTokens tokens)
    {
        IReadOnlyList<string> scopes;
        if (target.IsPartner)
        {
            scopes = app.DelegatedScopes.GetValueOrDefault(audience) ?? [];
        }
        else
        {
            if (GdapAccess.BlockingPolicy(cloud, target.Id) is not null)
            {
                // Entra's words do not name the policy (it is in the customer's sign-in logs, Conditional Access tab:
                // learn.microsoft.com/entra/identity/conditional-access/troubleshoot-conditional-access).
                return OAuthError(400, "invalid_grant", 53003,
                    "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.");
            }

            if (GdapAccess.RolesOf(cloud, user.Id, target.Id).Count == 0)
            {
                return OAuthError(400, "invalid_grant", 50020,
                    $"User account '{user.UserPrincipalName}' from identity provider 'https://sts.windows.net/{cloud.Partner.Id}/' does not exist in tenant '{target.DisplayName}' and cannot access the application '{app.AppId}' in that tenant.");
            }

            scopes = ConsentedScopes(cloud, target, app.AppId, audience);
        }

        if (scopes.Count == 0)
        {
            return OAuthError(400, "invalid_grant", 65001,
                $"The user or administrator has not consented to use the application with ID '{app.AppId}' named '{app.DisplayName}'. Send an interactive authorization request for this user and resource.");
        }

        // A user's token for one of the partner's APIs carries the API's app roles assigned to the user (howto-add-app-roles-in-apps).
        IReadOnlyList<string> appRoles = ApiOf(cloud.Partner, audience)?.RoleAssignments.GetValueOrDefault(user.Id) ?? [];
        (string token, int expiresIn) = tokens.Issue(Issuer(request), new Caller(target.Id, audience, app.AppId, user.Id, cloud.Partner.Id, scopes, user.MfaEnforced, user.UserPrincipalName, appRoles, user.DisplayName));
        return Results.Json(new
        {
            token_type = "Bearer",
            scope = string.Join(' ', scopes.Select(s => $"{audience}/{s}")),
            expires_in = expiresIn,
            ext_expires_in = expiresIn,
            access_token = token,
            refresh_token = Rotate(user, app.AppId),
        });
    }

    /// <summary>The tenant-wide (AllPrincipals) delegated scopes granted to an app for a resource in a tenant.</summary>
    static IReadOnlyList<string> ConsentedScopes(SimulatedCloud cloud, Tenant tenant, Guid appId, string audience)
    {
        ServicePrincipal? client = tenant.ServicePrincipals.Values.FirstOrDefault(sp => sp.AppId == appId && sp.VisibleFrom <= cloud.Clock.UtcNow);
        ServicePrincipal? resource = tenant.ServicePrincipals.Values.FirstOrDefault(sp => sp.AppId == ResourceApps[audience]);
        return client is null || resource is null
            ? []
            : [.. tenant.Grants.Values
                .Where(g => g.ClientId == client.Id && g.ResourceId == resource.Id && g.ConsentType == "AllPrincipals")
                .SelectMany(g => g.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>A new refresh token for the user, as Entra returns with every redemption.</summary>
    static string Rotate(User user, Guid clientId)
    {
        string rotated = $"{user.RefreshToken}.r{user.RotatedRefreshTokens.Count + 1}.{Guid.NewGuid():N}";
        user.RotatedRefreshTokens[rotated] = clientId;
        return rotated;
    }

    /// <summary>
    /// The API a <c>.default</c> scope names: Microsoft's, or one of the partner's own APIs by its application ID URI
    /// (<c>api://{appId}</c>) or app ID, whose v2.0 tokens carry the app ID as <c>aud</c>
    /// (learn.microsoft.com/entra/identity-platform/access-token-claims-reference, "aud").
    /// </summary>
    static string? AudienceOf(string scope, Tenant partner)
    {
        string resource = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(s => s.EndsWith("/.default", StringComparison.Ordinal))?[..^"/.default".Length] ?? string.Empty;
        return resource.TrimEnd('/') switch
        {
            AccessTokens.GraphAudience or "00000003-0000-0000-c000-000000000000" => AccessTokens.GraphAudience,
            AccessTokens.PartnerCenterAudience => AccessTokens.PartnerCenterAudience,
            AccessTokens.KeyVaultAudience => AccessTokens.KeyVaultAudience,
            var named when ApiOf(partner, named) is { } api => api.AppId.ToString(),
            _ => null,
        };
    }

    static AppRegistration? ApiOf(Tenant partner, string audience) =>
        Guid.TryParse(audience.StartsWith("api://", StringComparison.Ordinal) ? audience["api://".Length..] : audience, out Guid id)
        && partner.Apps.TryGetValue(id, out AppRegistration? api) && api.IsApi ? api : null;

    static IResult TenantNotFound(string tenant) => OAuthError(400, "invalid_tenant", 90002,
        $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.");

    internal static IResult OAuthError(int status, string error, int code, string description) => Results.Json(
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
