using BundleFunctions.Activities;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// One customer's GDAP onboarding, step by step. Pure decision code: every read and write happens in an activity, every
/// wait is a durable timer or an external event, every delay comes from <see cref="WorkflowSettings"/>.
/// A failed step does not crash the instance: it is recorded with its message and the instance waits for an operator to
/// retry (resumes at that step through <c>ContinueAsNew</c>) or cancel.
/// </summary>
public sealed class OnboardCustomerOrchestrator : TaskOrchestrator<OnboardingInput, OnboardingOutcome>
{
    /// <summary>The name the orchestration is registered and started under.</summary>
    public const string Name = "OnboardCustomer";

    /// <inheritdoc />
    public override Task<OnboardingOutcome> RunAsync(TaskOrchestrationContext context, OnboardingInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return new Run(context, input).ExecuteAsync();
    }

    /// <summary>The state of one execution; lives only between two awaits of the replay.</summary>
    sealed class Run(TaskOrchestrationContext context, OnboardingInput input)
    {
        // Polls (and stray events) per execution before continuing as new: keeps each history short.
        const int PollsPerExecution = 10;

        readonly TaskOptions activityOptions = RetryOptions(input.Settings.ActivityRetry);
        readonly RelationshipRequest relationship = input.Request.ToRelationshipRequest();
        OnboardingProgress progress = input.Progress ?? new OnboardingProgress();
        OnboardingStep step = input.ResumeFrom;

        /// <summary>Set when the run ends early without a failure: cancelled, or continued as new.</summary>
        OnboardingOutcome? ended;

        WorkflowSettings Settings => input.Settings;

        public async Task<OnboardingOutcome> ExecuteAsync()
        {
            if (input.ResumeFrom == OnboardingStep.Validate && await this.ValidateAsync() is { } rejected)
            {
                return rejected;
            }

            StepFailure? failure;
            try
            {
                failure = await this.RunStepsAsync();
            }
            catch (TaskFailedException failed)
            {
                failure = new StepFailure(Explain(failed), this.step, ShieldAt(this.step));
            }

            if (failure is not null)
            {
                return await this.FailAsync(failure);
            }

            if (this.ended is not null)
            {
                return this.ended;
            }

            const string done = "API access into the customer tenant works.";
            await this.RecordAsync(new ProgressUpdate(input.Subject, OnboardingStep.VerifyAccess, StepStatus.Succeeded, done, OnboardingStatus.Succeeded, Shield.Green));
            context.SetCustomStatus(new OnboardingCustomStatus(OnboardingStep.VerifyAccess, OnboardingStatus.Succeeded, WaitingFor: null, DeadlineUtc: null));
            return new OnboardingOutcome(OnboardingStatus.Succeeded, Shield.Green, done);
        }

        /// <summary>Runs the steps from <see cref="OnboardingInput.ResumeFrom"/>; returns the failure that stopped them, if any.</summary>
        async Task<StepFailure?> RunStepsAsync()
        {
            (OnboardingStep Step, Func<Task<StepFailure?>> Run)[] steps =
            [
                (OnboardingStep.EnsurePartnerGroups, this.EnsurePartnerGroupsAsync),
                (OnboardingStep.CreateRelationship, this.CreateRelationshipAsync),
                (OnboardingStep.PublishInvitation, this.PublishInvitationAsync),
                (OnboardingStep.AwaitCustomerApproval, this.AwaitCustomerApprovalAsync),
                (OnboardingStep.VerifyRelationshipRoles, this.VerifyRelationshipRolesAsync),
                (OnboardingStep.CreateAccessAssignments, this.CreateAccessAssignmentsAsync),
                (OnboardingStep.AwaitAssignmentsActive, this.AwaitAssignmentsActiveAsync),
                (OnboardingStep.ConsentApplication, this.ConsentApplicationAsync),
                (OnboardingStep.VerifyAccess, this.VerifyAccessAsync),
            ];
            foreach ((OnboardingStep next, Func<Task<StepFailure?>> run) in steps.Where(s => s.Step >= input.ResumeFrom))
            {
                this.step = next;
                if (await run() is { } failure)
                {
                    return failure;
                }

                if (this.ended is not null)
                {
                    return null;
                }
            }

            return null;
        }

        async Task<OnboardingOutcome?> ValidateAsync()
        {
            await this.StartStepAsync(OnboardingStep.Validate, OnboardingStatus.Running);
            List<RuleViolation> violations = [.. input.Request.Validate()];
            if (!PartnerGroupName.IsValidPrefix(this.Settings.GroupPrefix, out string? prefixProblem))
            {
                violations.Add(new RuleViolation("groupPrefix", prefixProblem));
            }

            if (violations.Count == 0)
            {
                await this.CompleteStepAsync("The request obeys the GDAP rules.");
                return null;
            }

            // Retrying cannot fix a bad request, so there is nothing to wait for: end at once.
            string message = string.Join(" ", violations.Select(v => v.Message));
            await this.RecordAsync(new ProgressUpdate(input.Subject, OnboardingStep.Validate, StepStatus.Failed, message, OnboardingStatus.Failed));
            return new OnboardingOutcome(OnboardingStatus.Failed, Shield.None, message, OnboardingStep.Validate);
        }

        async Task<StepFailure?> EnsurePartnerGroupsAsync()
        {
            await this.StartStepAsync(OnboardingStep.EnsurePartnerGroups);
            PartnerGroupsSummary groups = await context.CallActivityAsync<PartnerGroupsSummary>(
                nameof(EnsurePartnerGroupsActivity),
                new EnsurePartnerGroupsInput(this.Settings.GroupPrefix, this.relationship.RoleTemplateIds),
                this.activityOptions);
            this.progress = this.progress with { RoleGroups = groups.Groups };
            await this.CompleteStepAsync(groups.Describe());
            return null;
        }

        async Task<StepFailure?> CreateRelationshipAsync()
        {
            await this.StartStepAsync(OnboardingStep.CreateRelationship);
            RelationshipPlacement placement = await context.CallActivityAsync<RelationshipPlacement>(
                nameof(CreateRelationshipActivity), new RelationshipPlacementRequest(this.relationship, this.progress.Superseded ?? []), this.activityOptions);
            this.progress = this.progress with
            {
                RelationshipId = placement.RelationshipId,
                RelationshipActive = placement.Status == RelationshipStatus.Active,
                ApprovalDeadlineUtc = null,
                ApprovalPollInterval = null,
                ApprovalPolls = 0,
            };
            await this.CompleteStepAsync(placement.Describe(), relationshipId: placement.RelationshipId);
            return null;
        }

        async Task<StepFailure?> PublishInvitationAsync()
        {
            await this.StartStepAsync(OnboardingStep.PublishInvitation);
            Uri link = ApprovalLink.For(RelationshipId.Parse(this.RelationshipIdOrThrow()));
            await this.CompleteStepAsync("Approval link ready for the customer's Global Administrator.", invitationUrl: link);
            return null;
        }

        /// <summary>
        /// The webhook's event races polling; whichever sees the relationship first wins. Polls back off (e.g. 1 min doubling
        /// to 30 min) on durable timers, and every <see cref="PollsPerExecution"/> polls the instance continues as new, so a
        /// customer who takes 90 days costs a short history. An approval event is a hint: the relationship must then become
        /// active (seconds to minutes) before the step is done.
        /// </summary>
        async Task<StepFailure?> AwaitCustomerApprovalAsync()
        {
            string relationshipId = this.RelationshipIdOrThrow();
            if (this.progress.RelationshipActive)
            {
                await this.StartStepAsync(OnboardingStep.AwaitCustomerApproval);
                await this.CompleteStepAsync("The relationship was already active.");
                return null;
            }

            DateTime deadline = this.progress.ApprovalDeadlineUtc ?? context.CurrentUtcDateTime + this.Settings.Approval.Timeout;
            TimeSpan interval = this.progress.ApprovalPollInterval ?? this.Settings.Approval.First;
            if (this.progress.ApprovalDeadlineUtc is null)
            {
                await this.StartStepAsync(OnboardingStep.AwaitCustomerApproval, OnboardingStatus.WaitingForCustomer);
            }

            this.progress = this.progress with { ApprovalDeadlineUtc = deadline };
            context.SetCustomStatus(new OnboardingCustomStatus(this.step, OnboardingStatus.WaitingForCustomer, WaitingFor: "customer approval", DeadlineUtc: deadline));

            for (int round = 0; round < PollsPerExecution; round++)
            {
                DateTime next = context.CurrentUtcDateTime + interval < deadline ? context.CurrentUtcDateTime + interval : deadline;
                using CancellationTokenSource cancelWaits = new();
                Task<RelationshipApproved> approved = context.WaitForExternalEvent<RelationshipApproved>(OnboardingEvents.RelationshipApproved, cancelWaits.Token);
                Task<OperatorDecision> cancelled = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.CancelRequested, cancelWaits.Token);
                Task poll = context.CreateTimer(next, cancelWaits.Token);
                Task winner = await Task.WhenAny(approved, cancelled, poll);
                cancelWaits.Cancel();

                if (winner == cancelled)
                {
                    this.ended = await this.CancelAsync(cancelled.Result);
                    return null;
                }

                if (winner == approved)
                {
                    if (string.Equals(approved.Result.RelationshipId, relationshipId, StringComparison.OrdinalIgnoreCase))
                    {
                        return await this.AwaitActivationAsync(relationshipId, approved.Result.Source);
                    }

                    continue; // another relationship's event: keep waiting
                }

                int polls = this.progress.ApprovalPolls + 1;
                this.progress = this.progress with { ApprovalPolls = polls };
                RelationshipSnapshot? seen = await context.CallActivityAsync<RelationshipSnapshot?>(nameof(GetRelationshipActivity), relationshipId, this.activityOptions);
                switch (seen?.Status)
                {
                    case RelationshipStatus.Active:
                        await this.CompleteStepAsync($"Approved by the customer (seen by polling after {polls} checks).", OnboardingStatus.Running);
                        return null;
                    case RelationshipStatus.Approved or RelationshipStatus.Activating:
                        return await this.AwaitActivationAsync(relationshipId, "polling");
                    case RelationshipStatus.ApprovalPending or RelationshipStatus.Created when context.CurrentUtcDateTime >= deadline:
                        return new StepFailure(
                            $"The approval request expired: the customer did not approve within {this.Settings.Approval.Timeout.TotalDays:0.##} days. Retry to send a new request, or cancel.",
                            OnboardingStep.CreateRelationship,
                            Shield.None);
                    case RelationshipStatus.ApprovalPending or RelationshipStatus.Created:
                        interval = this.Settings.Approval.After(interval);
                        break;
                    default:
                        return new StepFailure(
                            $"The relationship ended before it was approved (status {seen?.Status.ToString() ?? "gone"}). Retry to send a new request, or cancel.",
                            OnboardingStep.CreateRelationship,
                            Shield.None);
                }
            }

            this.ContinueAsNew(OnboardingStep.AwaitCustomerApproval, this.progress with { ApprovalPollInterval = interval });
            return null;
        }

        async Task<StepFailure?> AwaitActivationAsync(string relationshipId, string source)
        {
            DateTime until = context.CurrentUtcDateTime + this.Settings.Activation.Timeout;
            for (TimeSpan wait = this.Settings.Activation.First; ; wait = this.Settings.Activation.After(wait))
            {
                RelationshipSnapshot? now = await context.CallActivityAsync<RelationshipSnapshot?>(nameof(GetRelationshipActivity), relationshipId, this.activityOptions);
                switch (now?.Status)
                {
                    case RelationshipStatus.Active:
                        await this.CompleteStepAsync($"Approved by the customer (seen by {source}).", OnboardingStatus.Running);
                        return null;
                    case RelationshipStatus.Approved or RelationshipStatus.Activating or RelationshipStatus.ApprovalPending:
                        break;
                    default:
                        return new StepFailure($"The relationship is {now?.Status.ToString() ?? "gone"} instead of active. Retry to send a new request, or cancel.", OnboardingStep.CreateRelationship, Shield.None);
                }

                if (context.CurrentUtcDateTime + wait > until)
                {
                    return new StepFailure($"The relationship was approved but is still not active after {this.Settings.Activation.Timeout.TotalMinutes:0} minutes. Retry later.", OnboardingStep.AwaitCustomerApproval, Shield.None);
                }

                if (await this.PauseAsync(wait, "relationship activation"))
                {
                    return null;
                }
            }
        }

        async Task<StepFailure?> VerifyRelationshipRolesAsync()
        {
            await this.StartStepAsync(OnboardingStep.VerifyRelationshipRoles);
            string relationshipId = this.RelationshipIdOrThrow();
            RelationshipSnapshot? granted = await context.CallActivityAsync<RelationshipSnapshot?>(nameof(GetRelationshipActivity), relationshipId, this.activityOptions);
            List<Guid> missing = [.. this.relationship.RoleTemplateIds.Except(granted?.RoleTemplateIds ?? [])];
            if (missing.Count > 0)
            {
                // Roles cannot be added to an approved relationship: a retry asks the customer for a new one with every role.
                this.progress = this.progress with { Superseded = [.. this.progress.Superseded ?? [], relationshipId] };
                return new StepFailure(
                    $"The relationship lacks {missing.Count} required role(s): {string.Join(", ", missing.Select(RoleCatalog.NameOf))}. "
                    + "Roles cannot be added to an approved relationship: retry to send the customer a new request with every role, or cancel.",
                    OnboardingStep.CreateRelationship,
                    Shield.Blue);
            }

            await this.CompleteStepAsync($"All {this.relationship.RoleTemplateIds.Count} roles are granted.");
            return null;
        }

        async Task<StepFailure?> CreateAccessAssignmentsAsync()
        {
            await this.StartStepAsync(OnboardingStep.CreateAccessAssignments);
            AccessAssignmentSummary summary = await context.CallActivityAsync<AccessAssignmentSummary>(nameof(CreateAccessAssignmentsActivity), this.Plan(), this.activityOptions);
            await this.CompleteStepAsync(summary.Describe());
            return null;
        }

        async Task<StepFailure?> AwaitAssignmentsActiveAsync()
        {
            await this.StartStepAsync(OnboardingStep.AwaitAssignmentsActive);
            DateTime until = context.CurrentUtcDateTime + this.Settings.Assignments.Timeout;
            for (TimeSpan wait = this.Settings.Assignments.First; ; wait = this.Settings.Assignments.After(wait))
            {
                AccessAssignmentProgress state = await context.CallActivityAsync<AccessAssignmentProgress>(nameof(GetAccessAssignmentProgressActivity), this.Plan(), this.activityOptions);
                if (state.FailedRoles.Count > 0)
                {
                    return new StepFailure(
                        $"Access assignments failed for: {string.Join(", ", state.FailedRoles.Select(RoleCatalog.NameOf))}. Retry to create them again.",
                        OnboardingStep.CreateAccessAssignments,
                        Shield.Blue);
                }

                if (state.Pending == 0)
                {
                    await this.CompleteStepAsync($"{state.Active} access assignments are active.");
                    return null;
                }

                if (context.CurrentUtcDateTime + wait > until)
                {
                    return new StepFailure(
                        $"{state.Pending} access assignment(s) are still pending after {this.Settings.Assignments.Timeout.TotalMinutes:0} minutes. Microsoft sometimes needs longer: retry later.",
                        OnboardingStep.AwaitAssignmentsActive,
                        Shield.Blue);
                }

                if (await this.PauseAsync(wait, $"{state.Pending} access assignment(s) to become active"))
                {
                    return null;
                }
            }
        }

        async Task<StepFailure?> ConsentApplicationAsync()
        {
            await this.StartStepAsync(OnboardingStep.ConsentApplication);
            bool created = await context.CallActivityAsync<bool>(nameof(ConsentApplicationActivity), input.Subject.CustomerTenantId, this.activityOptions);
            await this.CompleteStepAsync(created ? "The application is consented into the customer tenant." : "The application was already consented.");
            return null;
        }

        /// <summary>
        /// Rechecks access on a durable timer until it works or the deadline passes (propagation takes up to 48 hours).
        /// Each recheck is a new execution (<c>ContinueAsNew</c>), so a two-day wait keeps a short history.
        /// </summary>
        async Task<StepFailure?> VerifyAccessAsync()
        {
            DateTime deadline = this.progress.VerifyDeadlineUtc ?? context.CurrentUtcDateTime + this.Settings.Verification.Timeout;
            TimeSpan wait = this.progress.VerifyInterval ?? this.Settings.Verification.First;
            if (this.progress.VerifyDeadlineUtc is null)
            {
                await this.StartStepAsync(OnboardingStep.VerifyAccess);
            }

            AccessReport report = await context.CallActivityAsync<AccessReport>(
                nameof(VerifyAccessActivity), new AccessProbeRequest(input.Subject.CustomerTenantId, this.relationship.RoleTemplateIds), this.activityOptions);
            if (report.IsGreen)
            {
                return null;
            }

            string missing = Describe(report);
            if (context.CurrentUtcDateTime + wait > deadline)
            {
                return new StepFailure(
                    $"API access still does not work after {this.Settings.Verification.Timeout.TotalHours:0} hours: {missing} Fix it and refresh.",
                    OnboardingStep.ConsentApplication,
                    Shield.Blue);
            }

            await this.RecordAsync(new ProgressUpdate(input.Subject, OnboardingStep.VerifyAccess, StepStatus.Running, $"Not yet: {missing} Rechecking (Microsoft propagation can take up to 48 hours).", Shield: Shield.Blue));
            if (await this.PauseAsync(wait, "access to propagate"))
            {
                return null;
            }

            this.ContinueAsNew(OnboardingStep.VerifyAccess, this.progress with { VerifyDeadlineUtc = deadline, VerifyInterval = this.Settings.Verification.After(wait) });
            return null;
        }

        /// <summary>
        /// Waits for <paramref name="duration"/> on a durable timer, woken early by a refresh; a cancel ends the run.
        /// </summary>
        /// <returns>True when the onboarding was cancelled.</returns>
        async Task<bool> PauseAsync(TimeSpan duration, string waitingFor)
        {
            DateTime until = context.CurrentUtcDateTime + duration;
            context.SetCustomStatus(new OnboardingCustomStatus(this.step, OnboardingStatus.Running, WaitingFor: waitingFor, DeadlineUtc: until));
            using CancellationTokenSource cancelWaits = new();
            Task timer = context.CreateTimer(until, cancelWaits.Token);
            Task<OperatorDecision> cancelled = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.CancelRequested, cancelWaits.Token);
            Task<OperatorDecision> refreshed = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.RefreshRequested, cancelWaits.Token);
            Task winner = await Task.WhenAny(timer, cancelled, refreshed);
            cancelWaits.Cancel();
            if (winner == cancelled)
            {
                this.ended = await this.CancelAsync(cancelled.Result);
                return true;
            }

            return false;
        }

        async Task<OnboardingOutcome> FailAsync(StepFailure failure)
        {
            OnboardingStep failed = this.step;
            await this.RecordAsync(new ProgressUpdate(input.Subject, failed, StepStatus.Failed, failure.Message, OnboardingStatus.Failed, failure.Shield));
            context.SetCustomStatus(new OnboardingCustomStatus(failed, OnboardingStatus.Failed, WaitingFor: "operator retry or cancel", DeadlineUtc: null));

            using CancellationTokenSource cancelWaits = new();
            Task<OperatorDecision> retry = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.RetryRequested, cancelWaits.Token);
            Task<OperatorDecision> refresh = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.RefreshRequested, cancelWaits.Token);
            Task<OperatorDecision> cancel = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.CancelRequested, cancelWaits.Token);
            Task giveUp = context.CreateTimer(context.CurrentUtcDateTime + this.Settings.OperatorDecisionTimeout, cancelWaits.Token);
            Task winner = await Task.WhenAny(retry, refresh, cancel, giveUp);
            cancelWaits.Cancel();

            if (winner == cancel)
            {
                return await this.CancelAsync(cancel.Result);
            }

            if (winner == giveUp)
            {
                return new OnboardingOutcome(OnboardingStatus.Failed, failure.Shield, failure.Message, failed);
            }

            OperatorDecision decision = winner == retry ? retry.Result : refresh.Result;
            await this.RecordAsync(new ProgressUpdate(input.Subject, Status: OnboardingStatus.Running, Message: $"Retry from {failure.ResumeAt} requested by {decision.RequestedBy}.", Actor: decision.RequestedBy));
            this.ContinueAsNew(failure.ResumeAt, this.progress with { Retries = this.progress.Retries + 1, VerifyDeadlineUtc = null, VerifyInterval = null });
            return this.ended!;
        }

        async Task<OnboardingOutcome> CancelAsync(OperatorDecision decision)
        {
            string message = $"Cancelled by {decision.RequestedBy} at step {this.step}.";
            await this.RecordAsync(new ProgressUpdate(input.Subject, Status: OnboardingStatus.Cancelled, Message: message, Actor: decision.RequestedBy));
            context.SetCustomStatus(new OnboardingCustomStatus(this.step, OnboardingStatus.Cancelled, WaitingFor: null, DeadlineUtc: null));
            return new OnboardingOutcome(OnboardingStatus.Cancelled, Shield.None, message);
        }

        void ContinueAsNew(OnboardingStep resumeAt, OnboardingProgress carried)
        {
            context.ContinueAsNew(input with { ResumeFrom = resumeAt, Progress = carried });
            this.ended = new OnboardingOutcome(OnboardingStatus.Running, Shield.None, $"Continuing at {resumeAt}.");
        }

        Task StartStepAsync(OnboardingStep next, OnboardingStatus? status = null)
        {
            this.step = next;
            context.SetCustomStatus(new OnboardingCustomStatus(next, status ?? OnboardingStatus.Running, WaitingFor: null, DeadlineUtc: null));

            // The attempt key makes a re-delivered "running" write count once; NewGuid is replay-safe.
            return this.RecordAsync(new ProgressUpdate(input.Subject, next, StepStatus.Running, Status: status ?? OnboardingStatus.Running, AttemptKey: context.NewGuid().ToString("N")));
        }

        Task CompleteStepAsync(string message, OnboardingStatus? status = null, string? relationshipId = null, Uri? invitationUrl = null) =>
            this.RecordAsync(new ProgressUpdate(input.Subject, this.step, StepStatus.Succeeded, message, status, RelationshipId: relationshipId, InvitationUrl: invitationUrl));

        Task RecordAsync(ProgressUpdate update) =>
            context.CallActivityAsync<bool>(nameof(RecordProgressActivity), update, this.activityOptions);

        AccessAssignmentPlan Plan() => new(this.RelationshipIdOrThrow(), this.progress.RoleGroups ?? throw new InvalidOperationException("The partner groups are not known yet; the onboarding must pass EnsurePartnerGroups first."));

        string RelationshipIdOrThrow() =>
            this.progress.RelationshipId ?? throw new InvalidOperationException("No relationship is known yet; the onboarding must pass CreateRelationship first.");

        static Shield ShieldAt(OnboardingStep failed) => failed >= OnboardingStep.VerifyRelationshipRoles ? Shield.Blue : Shield.None;

        static string Describe(AccessReport report) => string.Join(
            " ",
            [
                .. report.MissingRoleTemplateIds.Count > 0 ? [$"No partner principal holds {string.Join(", ", report.MissingRoleTemplateIds.Select(RoleCatalog.NameOf))} in the customer tenant."] : Array.Empty<string>(),
                .. report.Problems,
            ]);

        static string Explain(TaskFailedException failure)
        {
            TaskFailureDetails? details = failure.FailureDetails;
            return details is null ? failure.Message
                : StepFailedException.IsCause(details) ? details.ErrorMessage
                : $"{details.ErrorMessage} (gave up after the configured retries; retry the onboarding when the cause is fixed).";
        }

        static TaskOptions RetryOptions(ActivityRetrySettings retry) =>
            TaskOptions.FromRetryPolicy(new RetryPolicy(retry.MaxAttempts, retry.FirstRetryInterval, retry.BackoffCoefficient, retry.MaxRetryInterval)
            {
                // Only transient failures are worth another attempt; a StepFailedException says what to fix instead.
                HandleFailure = failure => !StepFailedException.IsCause(failure),
            });
    }
}

/// <summary>Why the steps stopped, where a retry resumes, and the shield it leaves.</summary>
/// <param name="Message">What failed, in words an operator can act on.</param>
/// <param name="ResumeAt">The step a retry starts from.</param>
/// <param name="Shield">Blue once the relationship exists but access does not work; none before.</param>
internal sealed record StepFailure(string Message, OnboardingStep ResumeAt, Shield Shield);

/// <summary>The custom status an onboarding instance shows: small, and never a secret.</summary>
/// <param name="Step">The current step.</param>
/// <param name="Status">The onboarding status.</param>
/// <param name="WaitingFor">What it waits for, if it waits.</param>
/// <param name="DeadlineUtc">Until when it waits.</param>
public sealed record OnboardingCustomStatus(OnboardingStep Step, OnboardingStatus Status, string? WaitingFor, DateTime? DeadlineUtc);
