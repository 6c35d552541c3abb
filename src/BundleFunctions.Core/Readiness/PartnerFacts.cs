namespace BundleFunctions.Readiness;

/// <summary>
/// What the partner tenant, Partner Center and Key Vault said about the bundle's setup, gathered in one pass: the raw
/// observations <see cref="PartnerReadiness"/> judges. A null part was not looked at, because something it needs failed.
/// </summary>
public sealed record PartnerFacts
{
    /// <summary>Why the deployment has no usable Microsoft cloud connection (the setting and its fix), or null.</summary>
    public string? ConnectionProblem { get; init; }

    /// <summary>App settings whose Key Vault reference App Service could not resolve, by name.</summary>
    public IReadOnlyList<string> UnresolvedSettings { get; init; } = [];

    /// <summary>The app's own sign-in to the partner tenant, its consented permissions and its credential.</summary>
    public AppFacts? App { get; init; }

    /// <summary>The service account's sign-in and standing in the partner tenant.</summary>
    public ServiceAccountFacts? ServiceAccount { get; init; }

    /// <summary>Whether the partner tenant holds the Partner Customer Delegated Administration service principal; null when it could not be read.</summary>
    public bool? GdapServicePrincipalPresent { get; init; }

    /// <summary>Why that could not be read.</summary>
    public string? GdapServicePrincipalProblem { get; init; }

    /// <summary>
    /// The delegated permissions each consented resource publishes (its service principal's <c>oauth2PermissionScopes</c>
    /// values in the partner tenant), by resource app ID; null when they could not be read.
    /// </summary>
    public IReadOnlyDictionary<Guid, IReadOnlyList<string>>? PublishedScopes { get; init; }

    /// <summary>Why the published permissions could not be read.</summary>
    public string? PublishedScopesProblem { get; init; }

    /// <summary>The Key Vault secret that keeps the refresh token, when one is configured.</summary>
    public VaultFacts? RefreshTokenVault { get; init; }

    /// <summary>Partner Center's webhook registration as this deployment expects it.</summary>
    public WebhookFacts? Webhook { get; init; }

    /// <summary>Where Entra sends a customer's admin consent (the enterprise-app path), as configured; null when unknown.</summary>
    public Uri? AdminConsentCallback { get; init; }
}

/// <summary>The app (client credentials) in the partner tenant.</summary>
/// <param name="ClientId">The app's client ID.</param>
/// <param name="SignInProblem">Why it could not sign in (Entra's AADSTS error), or null.</param>
/// <param name="ApplicationPermissions">The Graph application permissions admin-consented for it (its token's <c>roles</c>).</param>
/// <param name="CredentialKind"><c>certificate</c> or <c>client secret</c>.</param>
/// <param name="CredentialExpiresAt">When the credential in use expires, when known.</param>
/// <param name="CredentialProblem">Why the expiry is not known, or null.</param>
/// <param name="RedirectUris">The app registration's Web redirect URIs; null when it could not be read.</param>
public sealed record AppFacts(
    Guid ClientId,
    string? SignInProblem,
    IReadOnlyList<string> ApplicationPermissions,
    string CredentialKind,
    DateTimeOffset? CredentialExpiresAt,
    string? CredentialProblem,
    IReadOnlyList<string>? RedirectUris = null);

/// <summary>The service account, signed in with its refresh token.</summary>
/// <param name="ConfiguredName">The user principal name configured for it, if any.</param>
/// <param name="SignInProblem">Why its refresh token could not be redeemed (AADSTS error), or null.</param>
/// <param name="SignedInAs">The user the refresh token belongs to (its token's <c>upn</c>).</param>
/// <param name="UsedMfa">Whether its sign-in used multi-factor authentication (its token's <c>amr</c> holds <c>mfa</c>).</param>
/// <param name="PartnerCenterScopes">The delegated Partner Center permissions its token carries.</param>
/// <param name="InAdminAgents">Whether it is in the AdminAgents group; null when the directory could not be read.</param>
/// <param name="HoldsGlobalAdministrator">Whether it holds Global Administrator in the partner tenant; null when unknown.</param>
/// <param name="DirectoryProblem">Why its groups or roles could not be read, or null.</param>
public sealed record ServiceAccountFacts(
    string? ConfiguredName,
    string? SignInProblem,
    string? SignedInAs,
    bool UsedMfa,
    IReadOnlyList<string> PartnerCenterScopes,
    bool? InAdminAgents,
    bool? HoldsGlobalAdministrator,
    string? DirectoryProblem);

/// <summary>The refresh token's Key Vault secret.</summary>
/// <param name="Secret">The secret's URI.</param>
/// <param name="Problem">Why it could not be read (Key Vault's answer), or null when it was.</param>
public sealed record VaultFacts(Uri Secret, string? Problem);

/// <summary>Partner Center's webhook registration.</summary>
/// <param name="Expected">This deployment's receiver, when it knows its public URL.</param>
/// <param name="Registered">The URL Partner Center delivers to, if any.</param>
/// <param name="Events">The events registered.</param>
/// <param name="Problem">Why the registration could not be read, or null.</param>
public sealed record WebhookFacts(Uri? Expected, Uri? Registered, IReadOnlyList<string> Events, string? Problem);
