namespace BundleFunctions.Onboarding;

/// <summary>Who an onboarding is for: the keys every record of it carries.</summary>
/// <param name="OnboardingId">The onboarding (and orchestration instance) ID.</param>
/// <param name="PartnerTenantId">The partner tenant; Table rows are partitioned by it.</param>
/// <param name="CustomerTenantId">The customer tenant.</param>
/// <param name="CustomerName">The customer's name.</param>
/// <param name="OrganizationId">The caller's own ID for the customer, if given.</param>
/// <param name="RoleTemplateIds">The roles the onboarding asked for; every later access check (refresh, daily recheck) checks these. Null: the default twelve.</param>
/// <param name="Path">GDAP or the enterprise app: which access every later check probes.</param>
public sealed record OnboardingSubject(
    string OnboardingId,
    Guid PartnerTenantId,
    Guid CustomerTenantId,
    string CustomerName,
    string? OrganizationId,
    IReadOnlyList<Guid>? RoleTemplateIds = null,
    OnboardingPath Path = OnboardingPath.Gdap)
{
    /// <summary>The roles to check: those asked for, else the default template's.</summary>
    public IReadOnlyList<Guid> Roles => this.RoleTemplateIds ?? [.. Gdap.RoleTemplate.Default.Roles.Select(r => r.TemplateId)];
}
