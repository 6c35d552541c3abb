namespace BundleFunctions.Gdap;

/// <summary>What the partner asks Microsoft for: one GDAP relationship with one customer.</summary>
/// <param name="DisplayName">Unique among the partner's relationships, at most 50 characters.</param>
/// <param name="Duration">Whole days from one to 730.</param>
/// <param name="AutoExtendDuration">Zero (no auto-extend) or 180 days.</param>
/// <param name="RoleTemplateIds">Entra role template IDs, at least one.</param>
/// <param name="CustomerTenantId">The customer's tenant; only that tenant can approve.</param>
/// <param name="CustomerName">The customer's display name, for the relationship's <c>customer</c> field.</param>
public sealed record RelationshipRequest(
    string DisplayName,
    TimeSpan Duration,
    TimeSpan AutoExtendDuration,
    IReadOnlyList<Guid> RoleTemplateIds,
    Guid CustomerTenantId,
    string CustomerName)
{
    /// <summary>Whether the request includes Global Administrator (which forbids auto-extend).</summary>
    public bool IncludesGlobalAdministrator => this.RoleTemplateIds.Contains(RoleCatalog.GlobalAdministrator.TemplateId);

    /// <summary>Checks every GDAP rule and reports every violation, not just the first.</summary>
    /// <returns>The violations; empty when the request may be sent.</returns>
    public IReadOnlyList<RuleViolation> Validate() => RelationshipRules.Check(this);
}
