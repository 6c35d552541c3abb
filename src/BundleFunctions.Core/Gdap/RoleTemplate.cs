namespace BundleFunctions.Gdap;

/// <summary>A named set of roles requested together in one GDAP relationship.</summary>
/// <param name="Name">The template's name.</param>
/// <param name="Roles">The roles, in a stable order.</param>
public sealed record RoleTemplate(string Name, IReadOnlyList<EntraRole> Roles)
{
    /// <summary>The default template: the twelve roles of the Microsoft Cloud Integration Bundle.</summary>
    public static RoleTemplate Default { get; } = new("Microsoft Cloud Integration Bundle", RoleCatalog.BundleRoles);
}
