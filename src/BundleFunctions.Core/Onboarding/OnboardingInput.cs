namespace BundleFunctions.Onboarding;

/// <summary>The orchestration input of one onboarding. Holds no secret: it is stored in plain form in the task hub.</summary>
/// <param name="Subject">Who it is for.</param>
/// <param name="Request">What the caller asked for.</param>
/// <param name="Settings">Naming and timing.</param>
/// <param name="ResumeFrom">On a retry, the step to resume from; earlier steps are not run again.</param>
/// <param name="Progress">What earlier executions learned (carried across <c>ContinueAsNew</c>).</param>
public sealed record OnboardingInput(
    OnboardingSubject Subject,
    OnboardingRequest Request,
    WorkflowSettings Settings,
    OnboardingStep ResumeFrom = OnboardingStep.Validate,
    OnboardingProgress? Progress = null);

/// <summary>Facts an onboarding has established so far, carried across <c>ContinueAsNew</c>. Small, and no secret.</summary>
/// <param name="RelationshipId">The relationship, once created or adopted.</param>
/// <param name="Retries">How many times an operator has retried.</param>
/// <param name="RoleGroups">Role → partner group, once the groups exist.</param>
/// <param name="RelationshipActive">Whether the relationship was already active when adopted.</param>
/// <param name="ApprovalDeadlineUtc">When the approval request expires.</param>
/// <param name="ApprovalPollInterval">The next wait between approval polls.</param>
/// <param name="ApprovalPolls">Approval polls made so far.</param>
/// <param name="Superseded">Relationships given up on (missing roles): never adopted again.</param>
/// <param name="VerifyDeadlineUtc">Until when access is rechecked.</param>
/// <param name="VerifyInterval">The next wait between rechecks.</param>
public sealed record OnboardingProgress(
    string? RelationshipId = null,
    int Retries = 0,
    IReadOnlyList<Activities.RoleGroup>? RoleGroups = null,
    bool RelationshipActive = false,
    DateTime? ApprovalDeadlineUtc = null,
    TimeSpan? ApprovalPollInterval = null,
    int ApprovalPolls = 0,
    IReadOnlyList<string>? Superseded = null,
    DateTime? VerifyDeadlineUtc = null,
    TimeSpan? VerifyInterval = null);
