using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// Every way an onboarding step fails for a reason waiting cannot fix: the cause, the fix an MSP engineer applies, the step
/// a retry resumes at, and the shield meanwhile. The README's troubleshooting table lists each.
/// </summary>
internal static class StepFailures
{
    public static StepFailure RelationshipNotActive(RelationshipStatus? status) => new(
        $"The relationship is {status?.ToString() ?? "gone"} instead of active. Retry to send a new request, or cancel.",
        OnboardingStep.CreateRelationship,
        Shield.None);

    public static StepFailure EndedBeforeApproval(RelationshipStatus? status) => new(
        $"The relationship ended before it was approved (status {status?.ToString() ?? "gone"}). Retry to send a new request, or cancel.",
        OnboardingStep.CreateRelationship,
        Shield.None);

    public static StepFailure ApprovalExpired(TimeSpan timeout) => new(
        $"The approval request expired: the customer did not approve within {timeout.TotalDays:0.##} days. Retry to send a new request, or cancel.",
        OnboardingStep.CreateRelationship,
        Shield.None);

    public static StepFailure ActivationTimedOut(TimeSpan timeout) => new(
        $"The customer approved, but Microsoft has not activated the relationship after {Describe(timeout)}. Retry later; if it stays so, open a Partner Center support request.",
        OnboardingStep.AwaitCustomerApproval,
        Shield.None);

    // Roles cannot be added to an approved relationship: a retry asks the customer for a new one with every role.
    public static StepFailure RolesMissing(IReadOnlyCollection<Guid> missing) => new(
        $"The relationship lacks {missing.Count} required role(s): {string.Join(", ", missing.Select(RoleCatalog.NameOf))}. "
        + "Roles cannot be added to an approved relationship: retry to send the customer a new request with every role, or cancel.",
        OnboardingStep.CreateRelationship,
        Shield.Blue);

    public static StepFailure AssignmentsFailed(IEnumerable<Guid> roles) => new(
        $"Access assignments failed for: {string.Join(", ", roles.Select(RoleCatalog.NameOf))}. Retry to create them again.",
        OnboardingStep.CreateAccessAssignments,
        Shield.Blue);

    public static StepFailure AssignmentsStillPending(string? pending, TimeSpan timeout) => new(
        $"{pending} Still so after {Describe(timeout)}: retry later.",
        OnboardingStep.AwaitAssignmentsActive,
        Shield.Blue);

    public static StepFailure ConsentStillRefused(string? said, TimeSpan timeout, string groupPrefix) => new(
        $"Partner Center still refuses the consent after {Describe(timeout)}. {said} Fix: make sure the service account is a member of the "
        + $"'{groupPrefix} GDAP-Application Administrator' and '{groupPrefix} GDAP-Privileged Role Administrator' groups "
        + "and that their access assignments are active, then retry.",
        OnboardingStep.ConsentApplication,
        Shield.Blue);

    public static StepFailure AccessStillMissing(string? missing, TimeSpan timeout) => new(
        $"API access still does not work after {Describe(timeout)}: {missing} Fix it and refresh.",
        OnboardingStep.ConsentApplication,
        Shield.Blue);

    // The enterprise-app path: Entra's answer at the admin-consent callback. A retry waits for a new answer to the same link.
    public static StepFailure AdminConsentRefused(AdminConsentAnswer answer) => new(
        answer.Description switch
        {
            { } said when said.StartsWith("AADSTS65004", StringComparison.Ordinal) =>
                $"The customer's administrator declined the consent (Entra: {said}). Fix: ask them to open the admin-consent link again and accept, then retry.",
            { } said when said.StartsWith("AADSTS90094", StringComparison.Ordinal) =>
                $"The person who opened the admin-consent link may not consent for the organization (Entra: {said}). Fix: send the link to the customer's Global Administrator (or a Privileged Role Administrator), then retry.",
            var said => $"Entra refused the admin consent ({answer.Error}: {said ?? "no description"}). Fix: read Entra's words, correct the cause (the app registration, the customer's consent settings), then retry.",
        },
        OnboardingStep.AwaitCustomerApproval,
        Shield.None);

    public static StepFailure AdminConsentInAnotherTenant(Guid? consentedIn, Guid customer) => new(
        $"The admin consent was given in tenant {consentedIn?.ToString() ?? "(not named)"}, not in the customer's tenant {customer}. Fix: send the link to an administrator of {customer}, then retry.",
        OnboardingStep.AwaitCustomerApproval,
        Shield.None);

    public static StepFailure AdminConsentExpired(TimeSpan timeout) => new(
        $"The customer's administrator did not consent within {timeout.TotalDays:0.##} days. Retry to wait again (the same link still works), or cancel.",
        OnboardingStep.AwaitCustomerApproval,
        Shield.None);

    public static StepFailure AppAccessStillMissing(string? missing, TimeSpan timeout) => new(
        $"App-only access still does not work after {Describe(timeout)}: {missing} Fix it and refresh.",
        OnboardingStep.VerifyAccess,
        Shield.Blue);

    /// <summary>An activity that failed for good: its own cause (a <see cref="Ports.StepFailedException"/>) or the last transient one.</summary>
    public static StepFailure ActivityFailed(Microsoft.DurableTask.TaskFailedException failure, OnboardingStep step)
    {
        Microsoft.DurableTask.TaskFailureDetails? details = failure.FailureDetails;
        string message = details is null ? failure.Message
            : Ports.StepFailedException.IsCause(details) ? details.ErrorMessage
            : $"{details.ErrorMessage} (gave up after the configured retries; retry the onboarding when the cause is fixed).";
        Shield shield = step switch
        {
            OnboardingStep.EndReplacedRelationships => Shield.Green, // the new relationship's access was verified before
            >= OnboardingStep.VerifyRelationshipRoles => Shield.Blue,
            _ => Shield.None,
        };
        return new StepFailure(message, step, shield);
    }

    static string Describe(TimeSpan limit) =>
        limit.TotalHours >= 1 ? $"{limit.TotalHours:0.##} hours" : limit.TotalMinutes >= 1 ? $"{limit.TotalMinutes:0.##} minutes" : $"{limit.TotalSeconds:0.##} seconds";
}
