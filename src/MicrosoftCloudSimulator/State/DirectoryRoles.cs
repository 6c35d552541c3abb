namespace MicrosoftCloudSimulator.State;

/// <summary>
/// Entra built-in role template IDs the simulator authorizes delegated calls by. Source:
/// learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference (template IDs).
/// </summary>
public static class DirectoryRoles
{
    public static readonly Guid GlobalAdministrator = Guid.Parse("62e90394-69f5-4237-9190-012177145e10");
    public static readonly Guid GlobalReader = Guid.Parse("f2ef992c-3afb-46b9-b7cf-a126ee74c451");
    public static readonly Guid DirectoryReaders = Guid.Parse("88d8e3e3-8f55-4a1e-953a-9b9898b8876b");
    public static readonly Guid PrivilegedRoleAdministrator = Guid.Parse("e8611ab8-c189-46e8-94e1-60213ab1f814");
    public static readonly Guid ApplicationAdministrator = Guid.Parse("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3");
    public static readonly Guid CloudApplicationAdministrator = Guid.Parse("158c047a-c907-4556-b7ef-446551a6b5f7");
    public static readonly Guid SecurityAdministrator = Guid.Parse("194ae4cb-b126-40b2-bd5b-6091b380977d");
    public static readonly Guid SecurityReader = Guid.Parse("5d6b6bb7-de71-4623-b4af-96380a352509");
    public static readonly Guid ConditionalAccessAdministrator = Guid.Parse("b1be1c3e-b65d-4f19-8427-f6fa0d97feb9");

    /// <summary>
    /// Reading role assignments: "Directory Readers, Global Reader, Privileged Role Administrator" are the least privileged
    /// roles (learn.microsoft.com/graph/api/rbacapplication-list-roleassignments).
    /// </summary>
    public static readonly Guid[] ReadRoleAssignments = [DirectoryReaders, GlobalReader, PrivilegedRoleAdministrator];

    /// <summary>Reading service principals (microsoft.directory/servicePrincipals/standard/read): readers and app administrators.</summary>
    public static readonly Guid[] ReadServicePrincipals = [DirectoryReaders, GlobalReader, ApplicationAdministrator, CloudApplicationAdministrator];

    /// <summary>Creating service principals (learn.microsoft.com/graph/api/serviceprincipal-post-serviceprincipals).</summary>
    public static readonly Guid[] ManageApplications = [ApplicationAdministrator, CloudApplicationAdministrator];

    /// <summary>
    /// Granting delegated permissions tenant-wide for Microsoft Graph needs Privileged Role Administrator
    /// (learn.microsoft.com/graph/api/oauth2permissiongrant-post-oauth2permissiongrants; the strictest reading is simulated).
    /// </summary>
    public static readonly Guid[] GrantPermissions = [PrivilegedRoleAdministrator];

    /// <summary>Reading Conditional Access policies (learn.microsoft.com/graph/api/conditionalaccessroot-list-policies).</summary>
    public static readonly Guid[] ReadConditionalAccess = [GlobalReader, SecurityReader, SecurityAdministrator, ConditionalAccessAdministrator];

    /// <summary>Changing Conditional Access policies (learn.microsoft.com/graph/api/conditionalaccesspolicy-update).</summary>
    public static readonly Guid[] ManageConditionalAccess = [SecurityAdministrator, ConditionalAccessAdministrator];
}
