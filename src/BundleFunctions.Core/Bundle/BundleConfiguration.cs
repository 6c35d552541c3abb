namespace BundleFunctions.Bundle;

/// <summary>An API the bundle's app is consented to in each customer (step 2 of the bundle: which integrations are on).</summary>
/// <param name="Name">The integration's name in configuration, e.g. <c>exchangeOnline</c>.</param>
/// <param name="DisplayName">The resource's name as Entra shows it.</param>
/// <param name="ResourceAppId">The resource's app ID (its <c>enterpriseApplicationId</c> in a Partner Center consent).</param>
/// <param name="DefaultScopes">The delegated permissions granted when the integration is on (Graph's come from its permission set).</param>
public sealed record Integration(string Name, string DisplayName, Guid ResourceAppId, IReadOnlyList<string> DefaultScopes)
{
    /// <summary>Microsoft Graph: always on (the access check and the bundle's directory work use it).</summary>
    public static readonly Integration MicrosoftGraph = new("microsoftGraph", "Microsoft Graph", new("00000003-0000-0000-c000-000000000000"), []);

    /// <summary>Exchange Online (PowerShell over REST), as Office 365 Exchange Online's <c>Exchange.Manage</c>.</summary>
    public static readonly Integration ExchangeOnline = new("exchangeOnline", "Office 365 Exchange Online", new("00000002-0000-0ff1-ce00-000000000000"), ["Exchange.Manage"]);

    /// <summary>Partner Center in the customer's context.</summary>
    public static readonly Integration PartnerCenter = new("partnerCenter", "Microsoft Partner Center", new("fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"), ["user_impersonation"]);

    /// <summary>Azure Key Vault in the customer's subscriptions.</summary>
    public static readonly Integration AzureKeyVault = new("azureKeyVault", "Azure Key Vault", new("cfa8b339-82a2-471a-a3c9-0fc0be7a4093"), ["user_impersonation"]);

    /// <summary>Every integration the bundle knows, by configuration name.</summary>
    public static readonly IReadOnlyList<Integration> All = [MicrosoftGraph, ExchangeOnline, PartnerCenter, AzureKeyVault];
}

/// <summary>One resource's delegated permissions in the consent given to each customer.</summary>
/// <param name="Integration">The resource.</param>
/// <param name="Scopes">Its delegated permissions.</param>
public sealed record ConsentGrant(Integration Integration, IReadOnlyList<string> Scopes)
{
    /// <summary>The scopes as Partner Center's <c>applicationGrants[].scope</c> takes them: comma-separated.</summary>
    public string ScopeList => string.Join(",", this.Scopes);
}

/// <summary>
/// The bundle's configuration: which integrations are on and the Graph permission set (a preset, plus permissions picked
/// by name). It decides the consent grants each customer gets; every name is checked against the resource's published
/// delegated permissions (a readiness check) before any consent is sent.
/// </summary>
public sealed record BundleConfiguration
{
    /// <summary>
    /// The Graph permissions every preset includes: what the access check reads (<c>Directory.Read.All</c>) and what keeps
    /// the consent current when the configuration changes — adding a grant in the customer needs
    /// <c>DelegatedPermissionGrant.ReadWrite.All</c> and a missing resource's service principal <c>Application.ReadWrite.All</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> GraphBase = ["Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Application.ReadWrite.All"];

    /// <summary>The Graph permission presets, by name.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> GraphPresets = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
    {
        // Reading the tenant and its Conditional Access policies: the bundle's checks, nothing written but the consent.
        ["standard"] = [.. GraphBase, "Policy.Read.All"],

        // What an MSP's day-to-day tools write: users, groups, Conditional Access, devices and reports.
        ["management"] = [.. GraphBase, "Policy.Read.All", "Policy.ReadWrite.ConditionalAccess", "User.ReadWrite.All", "Group.ReadWrite.All", "DeviceManagementManagedDevices.ReadWrite.All", "Reports.Read.All", "AuditLog.Read.All"],
    };

    /// <summary>The default: Microsoft Graph with the standard preset (what the product consented before the configuration existed).</summary>
    public static BundleConfiguration Default { get; } = new();

    /// <summary>The integrations on; Microsoft Graph always among them.</summary>
    public IReadOnlyList<Integration> Integrations { get; init; } = [Integration.MicrosoftGraph];

    /// <summary>The Graph preset's name.</summary>
    public string GraphPreset { get; init; } = "standard";

    /// <summary>Graph permissions picked beyond the preset, by name.</summary>
    public IReadOnlyList<string> GraphPermissions { get; init; } = [];

    /// <summary>The consent grants, one per integration on: what Partner Center's consent sends and what each customer ends up with.</summary>
    public IReadOnlyList<ConsentGrant> ConsentGrants =>
        [.. this.Integrations.Select(i => new ConsentGrant(
            i,
            i == Integration.MicrosoftGraph ? [.. GraphPresets[this.GraphPreset].Concat(this.GraphPermissions).Distinct(StringComparer.OrdinalIgnoreCase)] : i.DefaultScopes))];

    /// <summary>
    /// The configuration from its settings (<c>Bundle__Integrations</c>, <c>Bundle__GraphPreset</c>,
    /// <c>Bundle__GraphPermissions</c>, comma-separated), or why they cannot work, by setting, with the fix.
    /// </summary>
    /// <param name="integrations">Integration names, comma-separated; empty for Microsoft Graph alone.</param>
    /// <param name="graphPreset">The preset's name; empty for <c>standard</c>.</param>
    /// <param name="graphPermissions">Extra Graph permissions, comma-separated.</param>
    /// <returns>The configuration, or the problem.</returns>
    public static (BundleConfiguration? Configuration, string? Problem) From(string? integrations, string? graphPreset, string? graphPermissions)
    {
        string[] names = Split(integrations);
        string[] unknown = [.. names.Where(n => !Integration.All.Any(i => string.Equals(i.Name, n, StringComparison.OrdinalIgnoreCase)))];
        if (unknown.Length > 0)
        {
            return (null, $"Bundle__Integrations names unknown integration(s) {string.Join(", ", unknown)}: use {string.Join(", ", Integration.All.Select(i => i.Name))}.");
        }

        string preset = string.IsNullOrWhiteSpace(graphPreset) ? "standard" : graphPreset.Trim();
        if (!GraphPresets.ContainsKey(preset))
        {
            return (null, $"Bundle__GraphPreset '{preset}' is not a preset: use {string.Join(" or ", GraphPresets.Keys)}.");
        }

        return (new BundleConfiguration
        {
            Integrations = [Integration.MicrosoftGraph, .. Integration.All.Skip(1).Where(i => names.Contains(i.Name, StringComparer.OrdinalIgnoreCase))],
            GraphPreset = GraphPresets.Keys.First(k => string.Equals(k, preset, StringComparison.OrdinalIgnoreCase)),
            GraphPermissions = Split(graphPermissions),
        }, null);
    }

    static string[] Split(string? list) => [.. (list ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.OrdinalIgnoreCase)];
}
