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
/// <param name="Superseded">Relationships given up on (missing roles): never adopted again.</param>
/// <param name="ApprovalSeenBy">How the customer's approval was seen (webhook, polling), once it was; activation is awaited next.</param>
/// <param name="Wait">The durable wait in progress, when an execution continued as new in the middle of one.</param>
public sealed record OnboardingProgress(
    string? RelationshipId = null,
    int Retries = 0,
    IReadOnlyList<Activities.RoleGroup>? RoleGroups = null,
    bool RelationshipActive = false,
    IReadOnlyList<string>? Superseded = null,
    string? ApprovalSeenBy = null,
    WaitState? Wait = null)
{
    /// <summary>The relationship; only steps after <see cref="OnboardingStep.CreateRelationship"/> ask for it.</summary>
    /// <returns>Its id.</returns>
    public string Relationship() =>
        this.RelationshipId ?? throw new InvalidOperationException("No relationship is known yet; the onboarding must pass CreateRelationship first.");

    /// <summary>One access assignment per role group in the relationship; only steps after both are known ask for it.</summary>
    /// <returns>The plan.</returns>
    public Activities.AccessAssignmentPlan AssignmentPlan() => new(
        this.Relationship(),
        this.RoleGroups ?? throw new InvalidOperationException("The partner groups are not known yet; the onboarding must pass EnsurePartnerGroups first."));
}

/// <summary>A durable wait in progress: until when, the next pause, and how many checks so far.</summary>
/// <param name="DeadlineUtc">When the wait gives up (orchestration time).</param>
/// <param name="Interval">The next pause, in Microsoft's time (before <see cref="WorkflowSettings.TimeScale"/>).</param>
/// <param name="Polls">Checks made so far.</param>
public sealed record WaitState(DateTime DeadlineUtc, TimeSpan Interval, int Polls);
