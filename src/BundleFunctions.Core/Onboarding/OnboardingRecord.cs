namespace BundleFunctions.Onboarding;

/// <summary>An onboarding as stored and as the API shows it.</summary>
/// <param name="Subject">Who it is for.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Shield">The customer's access health.</param>
/// <param name="CurrentStep">The step in progress or the last one reached.</param>
/// <param name="RelationshipId">The GDAP relationship, once created.</param>
/// <param name="InvitationUrl">The approval link, once published.</param>
/// <param name="Steps">Every step, in order.</param>
/// <param name="CreatedAt">When the first record was written.</param>
/// <param name="UpdatedAt">When the last change was written.</param>
public sealed record OnboardingRecord(
    OnboardingSubject Subject,
    OnboardingStatus Status,
    Shield Shield,
    OnboardingStep CurrentStep,
    string? RelationshipId,
    Uri? InvitationUrl,
    IReadOnlyList<StepRecord> Steps,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    /// <summary>A new onboarding: queued, every step pending.</summary>
    /// <param name="subject">Who it is for.</param>
    /// <param name="at">When it was created.</param>
    /// <returns>The record.</returns>
    public static OnboardingRecord New(OnboardingSubject subject, DateTimeOffset at) =>
        new(subject, OnboardingStatus.Queued, Shield.None, OnboardingStep.Validate, null, null, StepRecord.AllPending(), at, at);

    /// <summary>
    /// Applies one change. Pure: the store persists what this returns. A repeated "running" with the same attempt key changes
    /// nothing (activities run at least once), so the attempt count stays true.
    /// </summary>
    /// <param name="update">The change.</param>
    /// <param name="at">When it happened.</param>
    /// <returns>The new record and the audit line to append, or the same record and null when nothing changed.</returns>
    public (OnboardingRecord Record, AuditLine? Audit) Apply(ProgressUpdate update, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Restart)
        {
            OnboardingSubject subject = this.Subject with { OrganizationId = update.Subject.OrganizationId, CustomerName = update.Subject.CustomerName, RoleTemplateIds = update.Subject.RoleTemplateIds, Path = update.Subject.Path };
            OnboardingRecord fresh = New(subject, this.CreatedAt) with { Shield = this.Shield, UpdatedAt = at };
            return (fresh, new AuditLine(at, "onboarding restarted", update.Message, update.Actor ?? ProgressUpdate.System));
        }

        List<StepRecord> steps = [.. this.Steps];
        List<string> what = [];

        if (update.Step is { } step && update.StepStatus is { } stepStatus)
        {
            int index = steps.FindIndex(s => s.Step == step);
            StepRecord current = steps[index];
            if (stepStatus == StepStatus.Running && update.AttemptKey is not null && update.AttemptKey == current.AttemptKey)
            {
                return (this, null);
            }

            steps[index] = stepStatus switch
            {
                // No attempt key: a note on the attempt in progress ("not yet: ..."), not a new attempt.
                StepStatus.Running when update.AttemptKey is null && current.Status == StepStatus.Running => current with { Message = update.Message },
                StepStatus.Running => current with
                {
                    Status = stepStatus,
                    Attempts = current.Attempts + 1,
                    StartedAt = at,
                    CompletedAt = null,
                    Message = update.Message,
                    AttemptKey = update.AttemptKey,
                },
                StepStatus.Pending => current with { Status = stepStatus, Message = update.Message },
                _ => current with { Status = stepStatus, CompletedAt = at, Message = update.Message },
            };
            what.Add($"{step} {stepStatus}");
        }

        if (update.Status is { } status && status != this.Status)
        {
            what.Add($"onboarding {status}");
        }

        if (update.Shield is { } shield && shield != this.Shield)
        {
            what.Add($"shield {shield}");
        }

        if (update.Status == OnboardingStatus.Succeeded)
        {
            // A step an onboarding did not need (nothing to replace) shows as skipped, not as still to come.
            steps = [.. steps.Select(s => s.Status == StepStatus.Pending ? s with { Status = StepStatus.Skipped, CompletedAt = at, Message = "Not needed." } : s)];
        }

        OnboardingRecord next = this with
        {
            Status = update.Status ?? this.Status,
            Shield = update.Shield ?? this.Shield,
            CurrentStep = update.Step ?? this.CurrentStep,
            RelationshipId = update.RelationshipId ?? this.RelationshipId,
            InvitationUrl = update.InvitationUrl ?? this.InvitationUrl,
            Steps = steps,
            UpdatedAt = at,
        };
        string summary = what.Count > 0 ? string.Join(", ", what) : "note";
        return (next, new AuditLine(at, summary, update.Message, update.Actor ?? ProgressUpdate.System));
    }
}

/// <summary>One line of an onboarding's audit trail: when, what changed, the result in words, and who caused it. Never a secret.</summary>
/// <param name="At">When.</param>
/// <param name="What">The change, e.g. <c>EnsurePartnerGroups Running</c>.</param>
/// <param name="Message">The detail, if any.</param>
/// <param name="Actor">Who: an operator, or <see cref="ProgressUpdate.System"/>.</param>
public sealed record AuditLine(DateTimeOffset At, string What, string? Message, string Actor = ProgressUpdate.System);

/// <summary>One step of an onboarding.</summary>
/// <param name="Step">Which step.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Attempts">How many times it was started.</param>
/// <param name="StartedAt">When the last attempt started.</param>
/// <param name="CompletedAt">When it last succeeded, failed or was skipped.</param>
/// <param name="Message">What happened, in words an operator can act on.</param>
/// <param name="AttemptKey">Identifies the current attempt, so that a re-delivered start is not counted twice.</param>
public sealed record StepRecord(
    OnboardingStep Step,
    StepStatus Status,
    int Attempts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    string? Message,
    string? AttemptKey = null)
{
    /// <summary>Every step, not reached yet.</summary>
    /// <returns>Every step, pending.</returns>
    public static IReadOnlyList<StepRecord> AllPending() =>
        [.. Enum.GetValues<OnboardingStep>().Select(s => new StepRecord(s, StepStatus.Pending, 0, null, null, null))];
}
