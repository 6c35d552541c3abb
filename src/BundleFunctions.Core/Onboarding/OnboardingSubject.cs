namespace BundleFunctions.Onboarding;

/// <summary>Who an onboarding is for: the keys every record of it carries.</summary>
/// <param name="OnboardingId">The onboarding (and orchestration instance) ID.</param>
/// <param name="PartnerTenantId">The partner tenant; Table rows are partitioned by it.</param>
/// <param name="CustomerTenantId">The customer tenant.</param>
/// <param name="CustomerName">The customer's name.</param>
/// <param name="OrganizationId">The caller's own ID for the customer, if given.</param>
public sealed record OnboardingSubject(string OnboardingId, Guid PartnerTenantId, Guid CustomerTenantId, string CustomerName, string? OrganizationId);
