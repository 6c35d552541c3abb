namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// Where the Microsoft cloud is and how the partner's app signs in (section <c>MicrosoftCloud</c>). The defaults are
/// Microsoft's; pointing the three base addresses at the simulator (and pinning its certificate) is the only change
/// needed to run against it.
/// </summary>
public sealed class MicrosoftCloudOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "MicrosoftCloud";

    /// <summary>The token audience for Graph (the same whatever host serves Graph).</summary>
    public const string GraphScope = "https://graph.microsoft.com/.default";

    /// <summary>The token audience for Partner Center.</summary>
    public const string PartnerCenterScope = "https://api.partnercenter.microsoft.com/.default";

    /// <summary>The partner's tenant.</summary>
    public Guid PartnerTenantId { get; set; }

    /// <summary>The partner's multi-tenant app (client ID).</summary>
    public Guid ClientId { get; set; }

    /// <summary>The app's client secret. Locally from local.settings.json; in Azure from Key Vault, never an app setting.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// The app's certificate with its private key, base64 PKCS#12 without a password — what a Key Vault certificate read
    /// as a secret gives. Preferred over <see cref="ClientSecret"/>, which it replaces when set.
    /// </summary>
    public string? ClientCertificate { get; set; }

    /// <summary>The partner's service account (MFA enforced, in AdminAgents): member of every GDAP group.</summary>
    public string? ServiceAccountUserPrincipalName { get; set; }

    /// <summary>
    /// The service account's refresh token, for the App+User calls Partner Center requires (application consent). A secret:
    /// Key Vault in Azure, local.settings.json locally; it never enters orchestration state.
    /// </summary>
    public string? ServiceAccountRefreshToken { get; set; }

    /// <summary>
    /// The Key Vault secret that keeps the service account's refresh token across rotations
    /// (<c>https://{vault}.vault.azure.net/secrets/{name}</c>). Its newest version is used instead of
    /// <see cref="ServiceAccountRefreshToken"/>, and every rotated token becomes a new version. Unset: rotations live in memory only.
    /// </summary>
    public Uri? ServiceAccountRefreshTokenSecretUri { get; set; }

    /// <summary>Client ID of the managed identity that reads and writes that secret (Azure); unset: DefaultAzureCredential picks.</summary>
    public string? KeyVaultIdentityClientId { get; set; }

    /// <summary>
    /// Where Entra sends a customer's answer to the enterprise-app path's admin-consent link: this deployment's
    /// <c>/api/admin-consent/callback</c>, registered on the app registration as a Web redirect URI. In Azure it defaults from
    /// <c>WEBSITE_HOSTNAME</c>; the LocalHost sets its own.
    /// </summary>
    public Uri? AdminConsentRedirectUri { get; set; }

    /// <summary>The application's display name in customer tenants.</summary>
    public string ApplicationDisplayName { get; set; } = "BundleFunctions";

    /// <summary>The Entra ID authority host.</summary>
    public Uri AuthorityHost { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>Graph's base address including the version segment.</summary>
    public Uri GraphBaseUrl { get; set; } = new("https://graph.microsoft.com/v1.0");

    /// <summary>Partner Center's base address.</summary>
    public Uri PartnerCenterBaseUrl { get; set; } = new("https://api.partnercenter.microsoft.com");

    /// <summary>
    /// Development only: trust exactly the server certificate with this SHA-1 thumbprint (the simulator's self-signed one),
    /// instead of the machine's trust store. Never "accept any certificate".
    /// </summary>
    public string? PinnedCertificateThumbprint { get; set; }

    /// <summary>
    /// These options as the settings a host reads (<c>MicrosoftCloud__PartnerTenantId</c>, …), for starting a host process
    /// configured like this one: the LocalHost in tests and in the benchmark. Unset values are left out.
    /// </summary>
    /// <returns>Setting name → value.</returns>
    public IReadOnlyDictionary<string, string> ToSettings()
    {
        Dictionary<string, string> settings = [];
        foreach (System.Reflection.PropertyInfo property in typeof(MicrosoftCloudOptions).GetProperties().Where(p => p.CanWrite))
        {
            if (property.GetValue(this) is { } value && Convert.ToString(value is Uri uri ? uri.AbsoluteUri : value, System.Globalization.CultureInfo.InvariantCulture) is { Length: > 0 } text)
            {
                settings[$"{Section}__{property.Name}"] = text;
            }
        }

        return settings;
    }

    /// <summary>
    /// Null when these options make a working connection; else what is missing or unusable, by setting name, with the fix.
    /// No app (client) ID means the product runs without a Microsoft connection on purpose (demo, API-only); the rest are
    /// mistakes. The refresh token is not checked here: only consent and the access check need it, and they say so.
    /// </summary>
    /// <returns>The problem, or null.</returns>
    public string? ConnectionProblem()
    {
        if (this.ClientId == Guid.Empty)
        {
            return MicrosoftCloudNotConfigured.NoConnection;
        }

        if (this.PartnerTenantId == Guid.Empty)
        {
            return "MicrosoftCloud__PartnerTenantId is not set, but MicrosoftCloud__ClientId is: set it to the partner tenant's ID (Entra admin center → Overview) and restart.";
        }

        try
        {
            using AppCredential credential = AppCredential.From(this);
            return null;
        }
        catch (InvalidOperationException unusable)
        {
            return unusable.Message;
        }
    }

    /// <summary>Whether the authority is Microsoft's (instance discovery only works there).</summary>
    public bool IsMicrosoftAuthority => this.AuthorityHost.Host.EndsWith(".microsoftonline.com", StringComparison.OrdinalIgnoreCase);
}
