using BundleFunctions.Onboarding;

namespace BundleFunctions.Customers;

/// <summary>A customer of the partner as the last import saw it, with the MSP's own organization ID for it.</summary>
/// <param name="TenantId">The customer's tenant.</param>
/// <param name="Name">Its company name (Partner Center), or the name a relationship gives it.</param>
/// <param name="Domain">Its default domain, when Partner Center lists the customer.</param>
/// <param name="InPartnerCenter">Whether Partner Center lists it as a customer (a relationship alone does not).</param>
/// <param name="Relationships">Its GDAP relationships, every status.</param>
/// <param name="Verdict">What it needs.</param>
/// <param name="VerdictReason">Why, in words an engineer acts on.</param>
/// <param name="CoveringRelationshipId">The relationship that covers it, when <see cref="CustomerVerdict.Covered"/>.</param>
/// <param name="OnboardingId">Its onboarding, when one was ever started.</param>
/// <param name="OnboardingStatus">That onboarding's status at the import.</param>
/// <param name="Shield">Its access health at the import.</param>
/// <param name="OrganizationId">The MSP's PSA/RMM organization ID for it; kept across imports.</param>
/// <param name="ImportedAt">When the import that wrote this ran.</param>
/// <param name="Offboarding">When, by whom and how the customer was offboarded; null unless it was (a new onboarding clears it).</param>
public sealed record CustomerRecord(
    Guid TenantId,
    string Name,
    string? Domain,
    bool InPartnerCenter,
    IReadOnlyList<CustomerRelationship> Relationships,
    CustomerVerdict Verdict,
    string VerdictReason,
    string? CoveringRelationshipId,
    string? OnboardingId,
    OnboardingStatus? OnboardingStatus,
    Shield Shield,
    string? OrganizationId,
    DateTimeOffset ImportedAt,
    CustomerOffboarding? Offboarding = null);

/// <summary>A customer's offboarding, kept in the book across imports.</summary>
/// <param name="At">When it completed.</param>
/// <param name="By">Who asked for it.</param>
/// <param name="Summary">What was done, in words.</param>
public sealed record CustomerOffboarding(DateTimeOffset At, string By, string Summary);
