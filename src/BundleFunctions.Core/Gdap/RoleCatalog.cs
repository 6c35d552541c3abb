namespace BundleFunctions.Gdap;

/// <summary>
/// The Entra roles the product knows by name. IDs are the role template IDs from Microsoft's permissions reference
/// (cross-checked against CIPP's defaults); a role outside this catalog is rejected rather than sent to Graph blind.
/// </summary>
public static class RoleCatalog
{
    /// <summary>Application Administrator.</summary>
    public static readonly EntraRole ApplicationAdministrator = new("Application Administrator", new("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"));

    /// <summary>Authentication Policy Administrator.</summary>
    public static readonly EntraRole AuthenticationPolicyAdministrator = new("Authentication Policy Administrator", new("0526716b-113d-4c15-b2c8-68e3c22b9f80"));

    /// <summary>Cloud App Security Administrator.</summary>
    public static readonly EntraRole CloudAppSecurityAdministrator = new("Cloud App Security Administrator", new("892c5842-a9a6-463a-8041-72aa08ca3cf6"));

    /// <summary>Cloud Device Administrator.</summary>
    public static readonly EntraRole CloudDeviceAdministrator = new("Cloud Device Administrator", new("7698a772-787b-4ac8-901f-60d6b08affd2"));

    /// <summary>Exchange Administrator.</summary>
    public static readonly EntraRole ExchangeAdministrator = new("Exchange Administrator", new("29232cdf-9323-42fd-ade2-1d097af3e4de"));

    /// <summary>Intune Administrator.</summary>
    public static readonly EntraRole IntuneAdministrator = new("Intune Administrator", new("3a2c62db-5318-420d-8d74-23affee5d9d5"));

    /// <summary>User Administrator.</summary>
    public static readonly EntraRole UserAdministrator = new("User Administrator", new("fe930be7-5e62-47db-91af-98c3a49a38b1"));

    /// <summary>Privileged Authentication Administrator.</summary>
    public static readonly EntraRole PrivilegedAuthenticationAdministrator = new("Privileged Authentication Administrator", new("7be44c8a-adaf-4e2a-84d6-ab2649e08a13"));

    /// <summary>Privileged Role Administrator.</summary>
    public static readonly EntraRole PrivilegedRoleAdministrator = new("Privileged Role Administrator", new("e8611ab8-c189-46e8-94e1-60213ab1f814"));

    /// <summary>Security Administrator.</summary>
    public static readonly EntraRole SecurityAdministrator = new("Security Administrator", new("194ae4cb-b126-40b2-bd5b-6091b380977d"));

    /// <summary>SharePoint Administrator.</summary>
    public static readonly EntraRole SharePointAdministrator = new("SharePoint Administrator", new("f28a1f50-f6e7-4571-818b-6a12f2af6b6c"));

    /// <summary>Teams Administrator.</summary>
    public static readonly EntraRole TeamsAdministrator = new("Teams Administrator", new("69091246-20e8-4a56-aa4d-066075b2a7a8"));

    /// <summary>Global Administrator: allowed in a relationship, but it forbids auto-extend.</summary>
    public static readonly EntraRole GlobalAdministrator = new("Global Administrator", new("62e90394-69f5-4237-9190-012177145e10"));

    /// <summary>Directory Readers.</summary>
    public static readonly EntraRole DirectoryReaders = new("Directory Readers", new("88d8e3e3-8f55-4a1e-953a-9b9898b8876b"));

    /// <summary>Billing Administrator (optional role in CIPP's defaults).</summary>
    public static readonly EntraRole BillingAdministrator = new("Billing Administrator", new("b0f54661-2d74-4c50-afa3-1ec803f12efe"));

    /// <summary>Global Reader (optional role in CIPP's defaults).</summary>
    public static readonly EntraRole GlobalReader = new("Global Reader", new("f2ef992c-3afb-46b9-b7cf-a126ee74c451"));

    /// <summary>Domain Name Administrator (optional role in CIPP's defaults).</summary>
    public static readonly EntraRole DomainNameAdministrator = new("Domain Name Administrator", new("8329153b-31d0-4727-b945-745eb3bc5f31"));

    /// <summary>The twelve roles of the Microsoft Cloud Integration Bundle, one partner group each.</summary>
    public static IReadOnlyList<EntraRole> BundleRoles { get; } =
    [
        ApplicationAdministrator, AuthenticationPolicyAdministrator, CloudAppSecurityAdministrator, CloudDeviceAdministrator,
        ExchangeAdministrator, IntuneAdministrator, UserAdministrator, PrivilegedAuthenticationAdministrator,
        PrivilegedRoleAdministrator, SecurityAdministrator, SharePointAdministrator, TeamsAdministrator,
    ];

    /// <summary>Roles that may be requested besides the bundle's twelve.</summary>
    public static IReadOnlyList<EntraRole> OptionalRoles { get; } =
        [GlobalAdministrator, DirectoryReaders, BillingAdministrator, GlobalReader, DomainNameAdministrator];

    /// <summary>Every role the catalog knows.</summary>
    public static IReadOnlyList<EntraRole> All { get; } = [.. BundleRoles, .. OptionalRoles];

    static readonly Dictionary<Guid, EntraRole> ByTemplateId = All.ToDictionary(r => r.TemplateId);

    /// <summary>Finds a role by its template ID.</summary>
    /// <param name="templateId">The role template ID.</param>
    /// <param name="role">The role, when known.</param>
    /// <returns>Whether the catalog knows the role.</returns>
    public static bool TryFind(Guid templateId, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EntraRole? role) =>
        ByTemplateId.TryGetValue(templateId, out role);

    /// <summary>The role's display name, or its ID when the catalog does not know it (for messages about roles found elsewhere).</summary>
    /// <param name="templateId">The role template ID.</param>
    /// <returns>A name a person can read.</returns>
    public static string NameOf(Guid templateId) => TryFind(templateId, out EntraRole? role) ? role.Name : templateId.ToString();
}
