using BundleFunctions.Activities;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// One customer's GDAP onboarding, step by step. Pure decision code: every read and write happens in an activity, every
/// wait is a durable timer or an external event (one "poll until" serves every wait on Microsoft), every delay comes from
/// <see cref="WorkflowSettings"/>. A failed step does not crash the instance: it is recorded with its message and the
/// instance waits for an operator to retry (resumes at that step through <c>ContinueAsNew</c>) or cancel.
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

    /// <summary>One check of a wait: done (with the step's closing message), not yet (with what is awaited), or failed.</summary>
    sealed record Poll(bool IsDone, string? Message, StepFailure? Failure = null, Shield? Shield = null)
    {
        public static Poll Done(string? message) => new(true, message);

        public static Poll NotYet(string message, Shield? shield = null) => new(false, message, Shield: shield);

        public static Poll Failed(StepFailure failure) => new(false, failure.Message, failure);
    }

    /// <summary>Ends the current execution with an outcome: cancelled, or continued as new.</summary>
    sealed class RunEnded(OnboardingOutcome outcome) : Exception(outcome.Message)
    {
        public OnboardingOutcome Outcome { get; } = outcome;
    }

    /// <summary>The state of one execution; lives only between two awaits of the replay.</summary>
    sealed class Run(TaskOrchestrationContext context, OnboardingInput input)
    {
        readonly TaskOptions activityOptions = RetryOptions(input.Settings.ActivityRetry);
        readonly RelationshipRequest relationship = input.Request.ToRelationshipRequest();
        OnboardingProgress progress = input.Progress ?? new OnboardingProgress();
        OnboardingStep step = input.ResumeFrom;

        WorkflowSettings Settings => input.Settings;

        public async Task<OnboardingOutcome> ExecuteAsync()
        {
            try
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

                const string done = "API access into the customer tenant works.";
                await this.RecordAsync(new ProgressUpdate(input.Subject, OnboardingStep.VerifyAccess, StepStatus.Succeeded, done, OnboardingStatus.Succeeded, Shield.Green));
                context.SetCustomStatus(new OnboardingCustomStatus(OnboardingStep.VerifyAccess, OnboardingStatus.Succeeded, WaitingFor: null, DeadlineUtc: null));
                return new OnboardingOutcome(OnboardingStatus.Succeeded, Shield.Green, done);
            }
            catch (RunEnded ended)
            {
                return ended.Outcome;
            }
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
            PartnerGroupsSummary groups = await this.CallAsync<PartnerGroupsSummary>(
                nameof(EnsurePartnerGroupsActivity), new EnsurePartnerGroupsInput(this.Settings.GroupPrefix, this.relationship.RoleTemplateIds));
            this.progress = this.progress with { RoleGroups = groups.Groups };
            await this.CompleteStepAsync(groups.Describe());
            return null;
        }

        async Task<StepFailure?> CreateRelationshipAsync()
        {
            await this.StartStepAsync(OnboardingStep.CreateRelationship);
            RelationshipPlacement placement = await this.CallAsync<RelationshipPlacement>(
                nameof(CreateRelationshipActivity), new RelationshipPlacementRequest(this.relationship, this.progress.Superseded ?? []));
            this.progress = this.progress with
            {
                RelationshipId = placement.RelationshipId,
                RelationshipActive = placement.Status == RelationshipStatus.Active,
                ApprovalSeenBy = null,
                Wait = null,
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

        /// <summary>The customer's approval (webhook or polling), then Microsoft's activation of the relationship.</summary>
        async Task<StepFailure?> AwaitCustomerApprovalAsync()
        {
            string relationshipId = this.RelationshipIdOrThrow();
            if (this.progress.RelationshipActive)
            {
                await this.StartStepAsync(OnboardingStep.AwaitCustomerApproval);
                await this.CompleteStepAsync("The relationship was already active.");
                return null;
            }

            if (this.progress.ApprovalSeenBy is null && await this.AwaitApprovalAsync(relationshipId) is { } notApproved)
            {
                return notApproved;
            }

            TimeSpan limit = this.Settings.Activation.Timeout;
            return await this.PollUntilAsync(
                this.Settings.Activation,
                "Microsoft to activate the relationship",
                async () => (await this.CallAsync<RelationshipSnapshot?>(nameof(GetRelationshipActivity), relationshipId))?.Status switch
                {
                    RelationshipStatus.Active => Poll.Done($"Approved by the customer (seen by {this.progress.ApprovalSeenBy})."),
                    RelationshipStatus.Approved or RelationshipStatus.Activating or RelationshipStatus.ApprovalPending =>
                        Poll.NotYet("The customer approved; waiting for Microsoft to activate the relationship (a few minutes to 24 hours)."),
                    RelationshipStatus other => Poll.Failed(new StepFailure($"The relationship is {other} instead of active. Retry to send a new request, or cancel.", OnboardingStep.CreateRelationship, Shield.None)),
                    null => Poll.Failed(new StepFailure("The relationship is gone instead of active. Retry to send a new request, or cancel.", OnboardingStep.CreateRelationship, Shield.None)),
                },
                _ => new StepFailure(
                    $"The customer approved, but Microsoft has not activated the relationship after {Describe(limit)}. Retry later; if it stays so, open a Partner Center support request.",
                    OnboardingStep.AwaitCustomerApproval,
                    Shield.None));
        }

        async Task<StepFailure?> VerifyRelationshipRolesAsync()
        {
            await this.StartStepAsync(OnboardingStep.VerifyRelationshipRoles);
            string relationshipId = this.RelationshipIdOrThrow();
            RelationshipSnapshot? granted = await this.CallAsync<RelationshipSnapshot?>(nameof(GetRelationshipActivity), relationshipId);
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
            AccessAssignmentSummary summary = await this.CallAsync<AccessAssignmentSummary>(nameof(CreateAccessAssignmentsActivity), this.Plan());
            await this.CompleteStepAsync(summary.Describe());
            return null;
        }

        async Task<StepFailure?> AwaitAssignmentsActiveAsync()
        {
            await this.StartStepUnlessWaitingAsync(OnboardingStep.AwaitAssignmentsActive);
            TimeSpan limit = this.Settings.Assignments.Timeout;
            return await this.PollUntilAsync(
                this.Settings.Assignments,
                "Microsoft to activate the access assignments",
                async () =>
                {
                    AccessAssignmentProgress state = await this.CallAsync<AccessAssignmentProgress>(nameof(GetAccessAssignmentProgressActivity), this.Plan());
                    return state.FailedRoles.Count > 0
                        ? Poll.Failed(new StepFailure(
                            $"Access assignments failed for: {string.Join(", ", state.FailedRoles.Select(RoleCatalog.NameOf))}. Retry to create them again.",
                            OnboardingStep.CreateAccessAssignments,
                            Shield.Blue))
                        : state.Pending == 0
                            ? Poll.Done($"{state.Active} access assignments are active.")
                            : Poll.NotYet($"{state.Pending} access assignment(s) are pending at Microsoft (usually about 30 seconds, sometimes hours).");
                },
                pending => new StepFailure(
                    $"{pending} Still so after {Describe(limit)}: retry later.",
                    OnboardingStep.AwaitAssignmentsActive,
                    Shield.Blue));
        }

        /// <summary>
        /// Partner Center consents the app only once the service account's GDAP roles (Application Administrator, Privileged
        /// Role Administrator) have reached the customer tenant; until then its refusal is "not yet", retried on durable timers.
        /// </summary>
        async Task<StepFailure?> ConsentApplicationAsync()
        {
            await this.StartStepUnlessWaitingAsync(OnboardingStep.ConsentApplication);
            TimeSpan limit = this.Settings.Consent.Timeout;
            return await this.PollUntilAsync(
                this.Settings.Consent,
                "the service account's GDAP roles to reach the customer tenant before consent",
                async () => (await this.CallAsync<ConsentOutcome>(nameof(ConsentApplicationActivity), input.Subject.CustomerTenantId)) switch
                {
                    { State: ConsentState.Created } => Poll.Done("The application is consented into the customer tenant."),
                    { State: ConsentState.AlreadyPresent } => Poll.Done("The application was already consented."),
                    { Message: var said } => Poll.NotYet(
                        "Waiting for the service account's GDAP roles (Application Administrator, Privileged Role Administrator) to reach the customer tenant "
                        + $"before consent (Microsoft: up to an hour). Partner Center said: {said}"),
                },
                said => new StepFailure(
                    $"Partner Center still refuses the consent after {Describe(limit)}. {said} Fix: make sure the service account is a member of the "
                    + $"'{this.Settings.GroupPrefix} GDAP-Application Administrator' and '{this.Settings.GroupPrefix} GDAP-Privileged Role Administrator' groups "
                    + "and that their access assignments are active, then retry.",
                    OnboardingStep.ConsentApplication,
                    Shield.Blue));
        }

        /// <summary>Rechecks access on durable timers until it works or the deadline passes (propagation takes up to 48 hours).</summary>
        async Task<StepFailure?> VerifyAccessAsync()
        {
            await this.StartStepUnlessWaitingAsync(OnboardingStep.VerifyAccess);
            TimeSpan limit = this.Settings.Verification.Timeout;
            return await this.PollUntilAsync(
                this.Settings.Verification,
                "access to propagate",
                async () => await this.CallAsync<AccessReport>(nameof(VerifyAccessActivity), new AccessProbeRequest(input.Subject.CustomerTenantId, this.relationship.RoleTemplateIds)) is { IsGreen: false } report
                    ? Poll.NotYet($"Not yet: {Describe(report)} Rechecking (Microsoft propagation can take up to 48 hours).", Shield.Blue)
                    : Poll.Done(null),
                missing => new StepFailure($"API access still does not work after {Describe(limit)}: {missing} Fix it and refresh.", OnboardingStep.ConsentApplication, Shield.Blue));
        }

        // Checks (and stray events) per execution before continuing as new: keeps each history short however long the wait.
        const int PollsPerExecution = 10;

        // Durable waits for Microsoft's Retry-After per activity call before the step gives up.
        const int MaxBusyWaits = 20;

        /// <summary>
        /// Checks, then pauses on a durable timer with back-off (<paramref name="polling"/>, scaled by
        /// <see cref="WorkflowSettings.TimeScale"/>), until the check is done or fails or the deadline passes. The last pause
        /// ends at the deadline, so the wait gives up only after a check made then. The first "not yet" is recorded on the
        /// step; every <see cref="PollsPerExecution"/> checks the instance continues as new, carrying the wait.
        /// </summary>
        async Task<StepFailure?> PollUntilAsync(Polling polling, string waitingFor, Func<Task<Poll>> check, Func<string?, StepFailure> timedOut)
        {
            WaitState wait = this.progress.Wait ?? this.NewWait(polling);
            for (int round = 1; ; round++)
            {
                Poll result = await check();
                wait = wait with { Polls = wait.Polls + 1 };
                if (result.IsDone || result.Failure is not null || context.CurrentUtcDateTime >= wait.DeadlineUtc)
                {
                    this.progress = this.progress with { Wait = null };
                    if (result.IsDone && result.Message is { } done)
                    {
                        await this.CompleteStepAsync(done, OnboardingStatus.Running);
                    }

                    return result.IsDone ? null : result.Failure ?? timedOut(result.Message);
                }

                if (wait.Polls == 1)
                {
                    // Every such wait is Microsoft's, never the customer's: the onboarding is running, not waiting for the customer.
                    await this.RecordAsync(new ProgressUpdate(input.Subject, this.step, StepStatus.Running, result.Message, OnboardingStatus.Running, result.Shield));
                }

                DateTime next = context.CurrentUtcDateTime + this.Settings.Scaled(wait.Interval);
                await this.PauseUntilAsync(next < wait.DeadlineUtc ? next : wait.DeadlineUtc, waitingFor, wakeOnRefresh: true);
                wait = wait with { Interval = polling.After(wait.Interval) };
                if (round >= PollsPerExecution)
                {
                    throw this.ContinueAsNew(this.step, this.progress with { Wait = wait });
                }
            }
        }

        /// <summary>A fresh wait: its deadline the polling timeout from now, its first pause the polling's first.</summary>
        WaitState NewWait(Polling polling) => new(context.CurrentUtcDateTime + this.Settings.Scaled(polling.Timeout), polling.First, 0);

        /// <summary>
        /// The webhook's approval event races polling; whichever sees the approval first wins. Polls back off (e.g. 1 min
        /// doubling to 30 min) on durable timers, and every <see cref="PollsPerExecution"/> polls the instance continues as
        /// new, so a customer who takes 90 days costs a short history. Sets <see cref="OnboardingProgress.ApprovalSeenBy"/>.
        /// </summary>
        async Task<StepFailure?> AwaitApprovalAsync(string relationshipId)
        {
            if (this.progress.Wait is null)
            {
                await this.StartStepAsync(OnboardingStep.AwaitCustomerApproval, OnboardingStatus.WaitingForCustomer);
            }

            Polling polling = this.Settings.Approval;
            WaitState wait = this.progress.Wait ?? this.NewWait(polling);
            context.SetCustomStatus(new OnboardingCustomStatus(this.step, OnboardingStatus.WaitingForCustomer, WaitingFor: "customer approval", DeadlineUtc: wait.DeadlineUtc));
            for (int round = 0; round < PollsPerExecution; round++)
            {
                DateTime next = context.CurrentUtcDateTime + this.Settings.Scaled(wait.Interval);
                using CancellationTokenSource cancelWaits = new();
                Task<RelationshipApproved> approved = context.WaitForExternalEvent<RelationshipApproved>(OnboardingEvents.RelationshipApproved, cancelWaits.Token);
                Task<OperatorDecision> cancelled = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.CancelRequested, cancelWaits.Token);
                Task poll = context.CreateTimer(next < wait.DeadlineUtc ? next : wait.DeadlineUtc, cancelWaits.Token);
                Task winner = await Task.WhenAny(approved, cancelled, poll);
                cancelWaits.Cancel();

                if (winner == cancelled)
                {
                    throw new RunEnded(await this.CancelAsync(cancelled.Result));
                }

                if (winner == approved)
                {
                    if (string.Equals(approved.Result.RelationshipId, relationshipId, StringComparison.OrdinalIgnoreCase))
                    {
                        this.progress = this.progress with { ApprovalSeenBy = approved.Result.Source, Wait = null };
                        return null;
                    }

                    continue; // another relationship's event: keep waiting
                }

                wait = wait with { Polls = wait.Polls + 1 };
                RelationshipSnapshot? seen = await this.CallAsync<RelationshipSnapshot?>(nameof(GetRelationshipActivity), relationshipId);
                switch (seen?.Status)
                {
                    case RelationshipStatus.Active or RelationshipStatus.Approved or RelationshipStatus.Activating:
                        this.progress = this.progress with { ApprovalSeenBy = $"polling after {wait.Polls} checks", Wait = null };
                        return null;
                    case RelationshipStatus.ApprovalPending or RelationshipStatus.Created when context.CurrentUtcDateTime >= wait.DeadlineUtc:
                        return new StepFailure(
                            $"The approval request expired: the customer did not approve within {polling.Timeout.TotalDays:0.##} days. Retry to send a new request, or cancel.",
                            OnboardingStep.CreateRelationship,
                            Shield.None);
                    case RelationshipStatus.ApprovalPending or RelationshipStatus.Created:
                        wait = wait with { Interval = polling.After(wait.Interval) };
                        break;
                    default:
                        return new StepFailure(
                            $"The relationship ended before it was approved (status {seen?.Status.ToString() ?? "gone"}). Retry to send a new request, or cancel.",
                            OnboardingStep.CreateRelationship,
                            Shield.None);
                }
            }

            throw this.ContinueAsNew(OnboardingStep.AwaitCustomerApproval, this.progress with { Wait = wait });
        }

        /// <summary>
        /// Calls an activity; when Microsoft asked for a longer wait than an activity holds (<see cref="MicrosoftBusyException"/>),
        /// sleeps that long on a durable timer and calls again, so no request goes out before its <c>Retry-After</c>.
        /// </summary>
        async Task<T> CallAsync<T>(string activity, object input)
        {
            for (int waits = 0; ; waits++)
            {
                try
                {
                    return await context.CallActivityAsync<T>(activity, input, this.activityOptions);
                }
                catch (TaskFailedException busy) when (MicrosoftBusyException.WaitOf(busy.FailureDetails) is TimeSpan retryAfter && waits < MaxBusyWaits)
                {
                    // A second more than asked: Microsoft counts from its answer, and a resend a hair early is throttled again.
                    await this.PauseUntilAsync(context.CurrentUtcDateTime + this.Settings.Scaled(retryAfter + TimeSpan.FromSeconds(1)), $"Microsoft's Retry-After of {retryAfter.TotalSeconds:0} s", wakeOnRefresh: false);
                }
            }
        }

        /// <summary>
        /// Waits until <paramref name="until"/> on a durable timer; a cancel ends the run, and a refresh wakes it early where
        /// <paramref name="wakeOnRefresh"/> (never during a Retry-After: no request before Microsoft's time).
        /// </summary>
        async Task PauseUntilAsync(DateTime until, string waitingFor, bool wakeOnRefresh)
        {
            context.SetCustomStatus(new OnboardingCustomStatus(this.step, OnboardingStatus.Running, WaitingFor: waitingFor, DeadlineUtc: until));
            using CancellationTokenSource cancelWaits = new();
            Task timer = context.CreateTimer(until, cancelWaits.Token);
            Task<OperatorDecision> cancelled = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.CancelRequested, cancelWaits.Token);
            Task refreshed = wakeOnRefresh ? context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.RefreshRequested, cancelWaits.Token) : timer;
            Task winner = await Task.WhenAny(timer, cancelled, refreshed);
            cancelWaits.Cancel();
            if (winner == cancelled)
            {
                throw new RunEnded(await this.CancelAsync(cancelled.Result));
            }
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
            Task giveUp = context.CreateTimer(context.CurrentUtcDateTime + this.Settings.Scaled(this.Settings.OperatorDecisionTimeout), cancelWaits.Token);
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
            OnboardingStep resumeAt = failure.ResumeAt;
            await this.RecordAsync(new ProgressUpdate(input.Subject, Status: OnboardingStatus.Running, Message: $"Retry from {resumeAt} requested by {decision.RequestedBy}.", Actor: decision.RequestedBy));
            throw this.ContinueAsNew(resumeAt, this.progress with { Retries = this.progress.Retries + 1, Wait = null });
        }

        async Task<OnboardingOutcome> CancelAsync(OperatorDecision decision)
        {
            string message = $"Cancelled by {decision.RequestedBy} at step {this.step}.";
            await this.RecordAsync(new ProgressUpdate(input.Subject, Status: OnboardingStatus.Cancelled, Message: message, Actor: decision.RequestedBy));
            context.SetCustomStatus(new OnboardingCustomStatus(this.step, OnboardingStatus.Cancelled, WaitingFor: null, DeadlineUtc: null));
            return new OnboardingOutcome(OnboardingStatus.Cancelled, Shield.None, message);
        }

        /// <summary>Continues as a new execution at <paramref name="resumeAt"/>; the caller throws the result to end this one.</summary>
        RunEnded ContinueAsNew(OnboardingStep resumeAt, OnboardingProgress carried)
        {
            context.ContinueAsNew(input with { ResumeFrom = resumeAt, Progress = carried });
            return new RunEnded(new OnboardingOutcome(OnboardingStatus.Running, Shield.None, $"Continuing at {resumeAt}."));
        }

        Task StartStepAsync(OnboardingStep next, OnboardingStatus? status = null)
        {
            this.step = next;
            context.SetCustomStatus(new OnboardingCustomStatus(next, status ?? OnboardingStatus.Running, WaitingFor: null, DeadlineUtc: null));

            // The attempt key makes a re-delivered "running" write count once; NewGuid is replay-safe.
            return this.RecordAsync(new ProgressUpdate(input.Subject, next, StepStatus.Running, Status: status ?? OnboardingStatus.Running, AttemptKey: context.NewGuid().ToString("N")));
        }

        /// <summary>Starts the step, unless this execution continues a wait of it (the attempt was counted when it began).</summary>
        Task StartStepUnlessWaitingAsync(OnboardingStep next) =>
            this.progress.Wait is null ? this.StartStepAsync(next) : Task.CompletedTask;

        Task CompleteStepAsync(string message, OnboardingStatus? status = null, string? relationshipId = null, Uri? invitationUrl = null) =>
            this.RecordAsync(new ProgressUpdate(input.Subject, this.step, StepStatus.Succeeded, message, status, RelationshipId: relationshipId, InvitationUrl: invitationUrl));

        Task RecordAsync(ProgressUpdate update) =>
            context.CallActivityAsync<bool>(nameof(RecordProgressActivity), update, this.activityOptions);

        AccessAssignmentPlan Plan() => new(this.RelationshipIdOrThrow(), this.progress.RoleGroups ?? throw new InvalidOperationException("The partner groups are not known yet; the onboarding must pass EnsurePartnerGroups first."));

        string RelationshipIdOrThrow() =>
            this.progress.RelationshipId ?? throw new InvalidOperationException("No relationship is known yet; the onboarding must pass CreateRelationship first.");

        static Shield ShieldAt(OnboardingStep failed) => failed >= OnboardingStep.VerifyRelationshipRoles ? Shield.Blue : Shield.None;

        static string Describe(TimeSpan limit) =>
            limit.TotalHours >= 1 ? $"{limit.TotalHours:0.##} hours" : limit.TotalMinutes >= 1 ? $"{limit.TotalMinutes:0.##} minutes" : $"{limit.TotalSeconds:0.##} seconds";

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
                // Only transient failures are worth another attempt; a StepFailedException says what to fix instead, and
                // Microsoft's Retry-After is waited out on a durable timer (CallAsync), not by the retry policy.
                HandleFailure = failure => !StepFailedException.IsCause(failure) && MicrosoftBusyException.WaitOf(failure) is null,
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
