using BundleFunctions.Gdap;
using BundleFunctions.Ports;

namespace BundleFunctions.Customers;

/// <summary>One of a customer's GDAP relationships, as the customer book keeps it.</summary>
/// <param name="Id">The relationship ID.</param>
/// <param name="Name">Its display name.</param>
/// <param name="Status">Its lifecycle status.</param>
/// <param name="RoleTemplateIds">The roles it grants.</param>
/// <param name="EndDateTime">When it ends (known once active).</param>
/// <param name="AutoExtends">Whether it renews itself (by 180 days) at its end.</param>
/// <param name="AssignedRoleTemplateIds">
/// For an active relationship, the roles its live (pending or active) access assignments give partner groups; null when
/// not read (a relationship that is not active has none that work).
/// </param>
public sealed record CustomerRelationship(string Id, string Name, RelationshipStatus Status, IReadOnlyList<Guid> RoleTemplateIds, DateTimeOffset? EndDateTime, bool AutoExtends, IReadOnlyList<Guid>? AssignedRoleTemplateIds = null)
{
    /// <summary>Prefix of the relationships Microsoft's DAP-to-GDAP transition tool created for partners that did not make their own.</summary>
    public const string MicrosoftLedPrefix = "MLT_";

    /// <summary>Whether it grants Global Administrator (such a relationship may not auto-extend).</summary>
    public bool HoldsGlobalAdministrator => this.RoleTemplateIds.Contains(RoleCatalog.GlobalAdministrator.TemplateId);

    /// <summary>Whether Microsoft's transition tool made it (its name starts with <c>MLT_</c>).</summary>
    public bool IsMicrosoftLed => this.Name.StartsWith(MicrosoftLedPrefix, StringComparison.Ordinal);

    /// <summary>The book's copy of a relationship Graph reported.</summary>
    /// <param name="snapshot">Graph's relationship.</param>
    /// <param name="assigned">The roles its live access assignments give, when they were read.</param>
    /// <returns>The copy.</returns>
    public static CustomerRelationship From(RelationshipSnapshot snapshot, IReadOnlyList<Guid>? assigned = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot.Id, snapshot.DisplayName, snapshot.Status, snapshot.RoleTemplateIds, snapshot.EndDateTime, snapshot.AutoExtendDuration > TimeSpan.Zero, assigned);
    }
}
