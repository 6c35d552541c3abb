namespace MicrosoftCloudSimulator.State;

/// <summary>A tenant: the partner's or a customer's.</summary>
public sealed class Tenant
{
    public required Guid Id { get; init; }

    public required string DisplayName { get; init; }

    public required string Domain { get; init; }

    public bool IsPartner { get; init; }

    public List<string> Licenses { get; init; } = [];

    public Dictionary<Guid, User> Users { get; } = [];

    public Dictionary<Guid, Group> Groups { get; } = [];

    public Dictionary<Guid, ServicePrincipal> ServicePrincipals { get; } = [];

    public Dictionary<Guid, PermissionGrant> Grants { get; } = [];

    public Dictionary<Guid, ConditionalAccessPolicy> Policies { get; } = [];

    /// <summary>Apps registered in this tenant (the partner's multi-tenant app), by appId.</summary>
    public Dictionary<Guid, AppRegistration> Apps { get; } = [];
}

/// <summary>A user.</summary>
public sealed class User
{
    public required Guid Id { get; init; }

    public required string UserPrincipalName { get; init; }

    public required string DisplayName { get; init; }

    public bool MfaEnforced { get; init; } = true;

    /// <summary>A refresh token that logs in as this user (the simulator's stand-in for an interactive sign-in).</summary>
    public string? RefreshToken { get; init; }

    /// <summary>The app the seed's refresh token was issued to (the partner's first app unless the seed says otherwise).</summary>
    public Guid RefreshTokenClientId { get; set; }

    /// <summary>
    /// Refresh tokens issued since the seed's, each with the app it was issued to: Entra rotates them on every redemption,
    /// earlier ones stay valid, and each is bound to the client that got it. Source: learn.microsoft.com/entra/identity-platform/refresh-tokens
    /// ("Refresh tokens are bound to a combination of user and client, but aren't tied to a resource or tenant").
    /// </summary>
    public Dictionary<string, Guid> RotatedRefreshTokens { get; } = [];

    /// <summary>Entra role template IDs the user holds in its own tenant (directory role assignments at scope <c>/</c>).</summary>
    public HashSet<Guid> DirectoryRoles { get; } = [];

    /// <summary>The app <paramref name="token"/> was issued to, when it is one of this user's refresh tokens.</summary>
    public Guid? ClientOf(string token) =>
        this.RefreshToken is not null && this.RefreshToken == token ? this.RefreshTokenClientId
        : this.RotatedRefreshTokens.TryGetValue(token, out Guid client) ? client
        : null;
}

/// <summary>A security group.</summary>
public sealed class Group
{
    public required Guid Id { get; init; }

    public required string DisplayName { get; init; }

    public required string MailNickname { get; init; }

    public string? Description { get; init; }

    public bool SecurityEnabled { get; init; } = true;

    public bool MailEnabled { get; init; }

    public bool? IsAssignableToRole { get; init; }

    public required DateTimeOffset CreatedDateTime { get; init; }

    /// <summary>Until when a read of the new group answers 404 (directory replication).</summary>
    public DateTimeOffset VisibleFrom { get; init; }

    public HashSet<Guid> Members { get; } = [];
}

/// <summary>An app registration (the partner's multi-tenant app) and its credential.</summary>
public sealed class AppRegistration
{
    public required Guid AppId { get; init; }

    public required string DisplayName { get; init; }

    /// <summary>The simulator's fake client secret for this app (dev-only value from the seed).</summary>
    public required string ClientSecret { get; init; }

    /// <summary>When the client secret stops working (Entra's <c>passwordCredential.endDateTime</c>).</summary>
    public DateTimeOffset SecretEndDateTime { get; set; } = DateTimeOffset.MaxValue;

    /// <summary>The secret's credential ID (<c>passwordCredential.keyId</c>).</summary>
    public Guid SecretKeyId { get; } = Guid.NewGuid();

    /// <summary>Application permissions (roles) the app holds in its home tenant.</summary>
    public List<string> Roles { get; init; } = [];

    /// <summary>
    /// Delegated permissions admin-consented for the app in its home tenant, by token audience (e.g.
    /// <c>https://api.partnercenter.microsoft.com</c> → <c>user_impersonation</c>). A delegated token carries exactly these.
    /// </summary>
    public Dictionary<string, List<string>> DelegatedScopes { get; init; } = [];

    /// <summary>For an API: the app roles it defines (<c>appRoles[].value</c>).</summary>
    public List<string> DefinedAppRoles { get; init; } = [];

    /// <summary>
    /// For an API: its service principal's app role assignments (<c>appRoleAssignedTo</c>) — a user's object ID or a client
    /// app's ID → the role values it holds. Tokens for the API carry them in <c>roles</c>.
    /// </summary>
    public Dictionary<Guid, List<string>> RoleAssignments { get; } = [];

    /// <summary>Whether this registration is an API that defines app roles (tokens may be asked for it).</summary>
    public bool IsApi => this.DefinedAppRoles.Count > 0;

    /// <summary>The redirect URIs registered for the app: an admin-consent request must name one of them exactly.</summary>
    public List<string> RedirectUris { get; } = [];

    /// <summary>Public certificates registered as the app's credentials (Entra's keyCredentials): client assertions signed by their keys are accepted.</summary>
    public List<System.Security.Cryptography.X509Certificates.X509Certificate2> Certificates { get; } = [];
}

/// <summary>A service principal (an app's presence in a tenant).</summary>
public sealed class ServicePrincipal
{
    public required Guid Id { get; init; }

    public required Guid AppId { get; init; }

    public required string DisplayName { get; init; }

    public DateTimeOffset VisibleFrom { get; init; }

    /// <summary>For an API's service principal: the delegated permissions it publishes (<c>oauth2PermissionScopes</c> values).</summary>
    public List<string> PublishedScopes { get; init; } = [];

    /// <summary>
    /// Application permissions (app role values) granted to this service principal in its tenant: what an app-only token
    /// issued here carries in <c>roles</c>. Partner Center consent grants none (delegated grants only).
    /// </summary>
    public List<string> AppRoles { get; } = [];
}

/// <summary>A delegated permission grant (oauth2PermissionGrant).</summary>
public sealed class PermissionGrant
{
    public required Guid Id { get; init; }

    public required Guid ClientId { get; init; }

    public required Guid ResourceId { get; init; }

    public required string ConsentType { get; init; }

    public required string Scope { get; set; }
}

/// <summary>A Conditional Access policy, reduced to what decides whether it blocks partner (service provider) users.</summary>
public sealed class ConditionalAccessPolicy
{
    public required Guid Id { get; init; }

    public required string DisplayName { get; set; }

    public string State { get; set; } = "enabled";

    public List<string> IncludeUsers { get; set; } = ["All"];

    /// <summary><c>conditions.users.excludeGuestsOrExternalUsers.guestOrExternalUserTypes</c> (comma-separated flags).</summary>
    public string? ExcludeGuestOrExternalUserTypes { get; set; }

    /// <summary>Excluded external tenants: null = all, else the listed ones.</summary>
    public List<string>? ExcludeExternalTenants { get; set; }

    public List<string> BuiltInControls { get; set; } = ["mfa"];

    /// <summary>Whether this policy applies to (and so may block) users of <paramref name="partnerTenantId"/> signing in through GDAP.</summary>
    public bool Blocks(Guid partnerTenantId) =>
        this.State == "enabled"
        && this.IncludeUsers.Contains("All", StringComparer.OrdinalIgnoreCase)
        && !(this.ExcludeGuestOrExternalUserTypes?.Split(',', StringSplitOptions.TrimEntries).Contains("serviceProvider", StringComparer.OrdinalIgnoreCase) == true
             && (this.ExcludeExternalTenants is null || this.ExcludeExternalTenants.Contains(partnerTenantId.ToString(), StringComparer.OrdinalIgnoreCase)));
}
