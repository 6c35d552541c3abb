using BundleFunctions.Onboarding;

namespace BundleFunctions.Api;

/// <summary>An onboarding as the API shows it (README, "HTTP API"): a curated document, never Durable management URLs.</summary>
public sealed record OnboardingStatusDocument(
    string Id,
    Guid CustomerTenantId,
    string CustomerName,
    string? OrganizationId,
    OnboardingPath Path,
    OnboardingStatus Status,
    Shield Shield,
    string? RelationshipId,
    Uri? InvitationUrl,
    OnboardingStep CurrentStep,
    IReadOnlyList<StepDocument> Steps,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>The document of a stored onboarding.</summary>
    public static OnboardingStatusDocument From(OnboardingRecord r) => new(
        r.Subject.OnboardingId, r.Subject.CustomerTenantId, r.Subject.CustomerName, r.Subject.OrganizationId, r.Subject.Path, r.Status, r.Shield, r.RelationshipId,
        r.InvitationUrl, r.CurrentStep, [.. r.Steps.Select(s => new StepDocument(s.Step, s.Status, s.Attempts, s.StartedAt, s.CompletedAt, s.Message))], r.CreatedAt, r.UpdatedAt);
}

/// <summary>One step in the status document.</summary>
public sealed record StepDocument(
    OnboardingStep Name,
    StepStatus Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Message);
