using BundleFunctions.Activities;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// One customer's GDAP onboarding, step by step. Pure decision code: every read and write happens in an activity, every
/// wait is a durable timer or an external event (<see cref="DurableWaits"/>; one <see cref="DurablePolling"/> serves every
/// wait on Microsoft), every delay comes from <see cref="WorkflowSettings"/>. A failed step does not crash the instance: it
/// is recorded with its message and the instance waits for the operator (<see cref="OperatorProtocol"/>) to retry (resumes
/// at the step the failure names, through <c>ContinueAsNew</c>) or cancel.
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
    sealed class Run : ICarriedWaits
    {
        readonly TaskOrchestrationContext context;
        readonly OnboardingInput input;
        readonly MicrosoftCalls calls;
        readonly RelationshipRequest relationship;
        readonly OnboardingJournal journal;
        readonly OperatorProtocol operators;
        readonly DurablePolling polling;
        readonly CustomerApprovalWait approval;
        OnboardingProgress progress;
        string? completion;

        public Run(TaskOrchestrationContext context, OnboardingInput input)
        {
            this.context = context;
            this.input = input;

            TaskOptions options = MicrosoftCalls.RetryOptions(input.Settings.ActivityRetry);
            this.relationship = input.Request.ToRelationshipRequest();
            this.progress = input.Progress ?? new OnboardingProgress();
            this.journal = new OnboardingJournal(context, input.Subject, options, input.ResumeFrom);
            this.operators = new OperatorProtocol(context, input.Settings, this.journal);
            this.calls = new MicrosoftCalls(context, options, input.Settings, this.operators);
            this.polling = new DurablePolling(context, input.Settings, this.journal, this.operators);
            this.approval = new CustomerApprovalWait(context, this.polling, this.operators, this.journal);
        }

        WorkflowSettings Settings => this.input.Settings;

        IReadOnlyList<string> Replaced => this.input.Request.ReplacesRelationshipIds ?? [];

        public async Task<OnboardingOutcome> ExecuteAsync()
        {
            if (this.input.ResumeFrom == OnboardingStep.Validate && await this.ValidateAsync() is { } rejected)
            {
                return rejected;
            }

            List<(OnboardingStep, Func<Task<StepResult>>)> steps = this.input.Request.Path == OnboardingPath.EnterpriseApp
                ? new EnterpriseAppPath(this.input, this.journal, this.calls, this.approval, this).Steps()
                :
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
            if (this.Replaced.Count > 0)
            {
                // A migration; any other onboarding skips the step (its record shows it skipped once it succeeds).
                steps.Add((OnboardingStep.EndReplacedRelationships, this.EndReplacedRelationshipsAsync));
            }

            StepResult result = await StepSequence.RunAsync(this.journal, this.input.ResumeFrom, steps);
            if (result.Ended is { } ended)
            {
                return ended;
            }

            if (result.Failure is { } failure)
            {
                return await this.operators.AfterFailureAsync(failure, resumeAt => this.ContinueAsNew(resumeAt, this.progress with { Retries = this.progress.Retries + 1, Wait = null }));
            }

            string done = this.completion ?? (this.input.Request.Path == OnboardingPath.EnterpriseApp ? EnterpriseAppPath.AccessWorks : "API access into the customer tenant works.");
            await this.journal.CompleteAsync(done, OnboardingStatus.Succeeded, Shield.Green);
            this.journal.Show(OnboardingStatus.Succeeded);
            return new OnboardingOutcome(OnboardingStatus.Succeeded, Shield.Green, done);
        }

        async Task<OnboardingOutcome?> ValidateAsync()
        {
            await this.journal.StartAsync(OnboardingStep.Validate);
            List<RuleViolation> violations = [.. this.input.Request.Validate()];
            if (!PartnerGroupName.IsValidPrefix(this.Settings.GroupPrefix, out string? prefixProblem))
            {
                violations.Add(new RuleViolation("groupPrefix", prefixProblem));
            }

            if (violations.Count == 0)
            {
                await this.journal.CompleteAsync("The request obeys the GDAP rules.");
                return null;
            }

            // Retrying cannot fix a bad request, so there is nothing to wait for: end at once.
            string message = string.Join(" ", violations.Select(v => v.Message));
            await this.journal.FailAsync(message, shield: null);
            return new OnboardingOutcome(OnboardingStatus.Failed, Shield.None, message, OnboardingStep.Validate);
        }

        async Task<StepResult> EnsurePartnerGroupsAsync()
        {
            await this.journal.StartAsync(OnboardingStep.EnsurePartnerGroups);
            await this.journal.CompleteAsync((await this.EnsureRoleGroupsAsync()).Describe());
            return StepResult.Next;
        }

        async Task<StepResult> CreateRelationshipAsync()
        {
            await this.journal.StartAsync(OnboardingStep.CreateRelationship);
            RelationshipPlacement placement = await this.calls.CallAsync<RelationshipPlacement>(
                nameof(CreateRelationshipActivity), new RelationshipPlacementRequest(this.relationship, this.progress.Superseded ?? [], this.input.Request.AdoptRelationshipId));
            this.progress = this.progress with
            {
                RelationshipId = placement.RelationshipId,
                RelationshipActive = placement.Status == RelationshipStatus.Active,
                ApprovalSeenBy = null,
                Wait = null,
            };
            await this.journal.CompleteAsync(placement.Describe(), relationshipId: placement.RelationshipId);
            return StepResult.Next;
        }

        async Task<StepResult> PublishInvitationAsync()
        {
            await this.journal.StartAsync(OnboardingStep.PublishInvitation);
            if (this.progress.RelationshipActive)
            {
                await this.journal.CompleteAsync("No approval link is needed: the relationship is already active.");
                return StepResult.Next;
            }

            Uri link = ApprovalLink.For(RelationshipId.Parse(this.progress.Relationship()));
            await this.journal.CompleteAsync("Approval link ready for the customer's Global Administrator.", invitationUrl: link);
            return StepResult.Next;
        }

        /// <summary>The customer's approval (webhook or polling), then Microsoft's activation of the relationship.</summary>
        async Task<StepResult> AwaitCustomerApprovalAsync()
        {
            string relationshipId = this.progress.Relationship();
            if (this.progress.RelationshipActive)
            {
                await this.journal.StartAsync(OnboardingStep.AwaitCustomerApproval);
                await this.journal.CompleteAsync("The relationship was already active.");
                return StepResult.Next;
            }

            if (this.progress.ApprovalSeenBy is null)
            {
                (StepResult result, string? seenBy) = await this.approval.UntilApprovedAsync(
                    relationshipId, this.Settings.Approval, this.TakeWait(), async () => (await this.GetRelationshipAsync(relationshipId))?.Status, this.ContinueWaitingAsNew);
                if (result.Failure is { ResumeAt: OnboardingStep.CreateRelationship })
                {
                    // Expired or ended unapproved: the retry sends a new request. Microsoft keeps a pending request until it
                    // expires itself (a relationship can be deleted only while 'created'), so it is never adopted again.
                    this.Supersede(relationshipId);
                }

                if (!result.IsNext)
                {
                    return result;
                }

                this.progress = this.progress with { ApprovalSeenBy = seenBy };
            }
            else
            {
                await this.StartUnlessWaitingAsync(); // a retry after the activation deadline is a new attempt
            }

            return await this.PollUntilAsync(
                this.Settings.Activation,
                "Microsoft to activate the relationship",
                async () => (await this.GetRelationshipAsync(relationshipId))?.Status switch
                {
                    RelationshipStatus.Active => Poll.Done($"Approved by the customer (seen by {this.progress.ApprovalSeenBy})."),
                    RelationshipStatus.Approved or RelationshipStatus.Activating or RelationshipStatus.ApprovalPending =>
                        Poll.NotYet("The customer approved; waiting for Microsoft to activate the relationship (a few minutes to 24 hours)."),
                    var other => Poll.Failed(StepFailures.RelationshipNotActive(other)),
                },
                _ => StepFailures.ActivationTimedOut(this.Settings.Activation.Timeout));
        }

        async Task<StepResult> VerifyRelationshipRolesAsync()
        {
            await this.journal.StartAsync(OnboardingStep.VerifyRelationshipRoles);
            string relationshipId = this.progress.Relationship();
            RelationshipSnapshot? granted = await this.GetRelationshipAsync(relationshipId);
            List<Guid> missing = [.. this.relationship.RoleTemplateIds.Except(granted?.RoleTemplateIds ?? [])];
            if (missing.Count > 0)
            {
                // The retry asks the customer for a new relationship; this one is never adopted again.
                this.Supersede(relationshipId);
                return StepFailures.RolesMissing(missing);
            }

            await this.journal.CompleteAsync($"All {this.relationship.RoleTemplateIds.Count} roles are granted.");
            return StepResult.Next;
        }

        async Task<StepResult> CreateAccessAssignmentsAsync()
        {
            await this.journal.StartAsync(OnboardingStep.CreateAccessAssignments);
            if (this.input.ResumeFrom == OnboardingStep.CreateAccessAssignments)
            {
                // The operator retries after a refused or failed assignment, most often because a partner group was
                // deleted: find-or-create brings it back (with a new ID) before anything is assigned to it.
                await this.EnsureRoleGroupsAsync();
            }

            AccessAssignmentSummary summary = await this.calls.CallAsync<AccessAssignmentSummary>(nameof(CreateAccessAssignmentsActivity), this.progress.AssignmentPlan());
            await this.journal.CompleteAsync(summary.Describe());
            return StepResult.Next;
        }

        async Task<StepResult> AwaitAssignmentsActiveAsync()
        {
            await this.StartUnlessWaitingAsync();
            return await this.PollUntilAsync(
                this.Settings.Assignments,
                "Microsoft to activate the access assignments",
                async () => await this.calls.CallAsync<AccessAssignmentProgress>(nameof(GetAccessAssignmentProgressActivity), this.progress.AssignmentPlan()) switch
                {
                    { FailedRoles.Count: > 0 } state => Poll.Failed(StepFailures.AssignmentsFailed(state.FailedRoles)),
                    { Pending: 0 } state => Poll.Done($"{state.Active} access assignments are active."),
                    var state => Poll.NotYet($"{state.Pending} access assignment(s) are pending at Microsoft (usually about 30 seconds, sometimes hours)."),
                },
                pending => StepFailures.AssignmentsStillPending(pending, this.Settings.Assignments.Timeout));
        }

        /// <summary>
        /// Partner Center consents the app only once the service account's GDAP roles (Application Administrator, Privileged
        /// Role Administrator) have reached the customer tenant; until then its refusal is "not yet", retried on durable timers.
        /// </summary>
        async Task<StepResult> ConsentApplicationAsync()
        {
            await this.StartUnlessWaitingAsync();
            return await this.PollUntilAsync(
                this.Settings.Consent,
                "the service account's GDAP roles to reach the customer tenant before consent",
                async () => await this.calls.CallAsync<ConsentOutcome>(nameof(ConsentApplicationActivity), this.input.Subject.CustomerTenantId) switch
                {
                    { State: ConsentState.Created } => Poll.Done("The application is consented into the customer tenant."),
                    { State: ConsentState.AlreadyPresent, Message: var updated } => Poll.Done(updated ?? "The application was already consented."),
                    { Message: var said } => Poll.NotYet(
                        "Waiting for the service account's GDAP roles (Application Administrator, Privileged Role Administrator) to reach the customer tenant "
                        + $"before consent (Microsoft: up to an hour). Partner Center said: {said}"),
                },
                said => StepFailures.ConsentStillRefused(said, this.Settings.Consent.Timeout, this.Settings.GroupPrefix));
        }

        /// <summary>Rechecks access on durable timers until it works or the deadline passes (propagation takes up to 48 hours).</summary>
        async Task<StepResult> VerifyAccessAsync()
        {
            await this.StartUnlessWaitingAsync();
            const string works = "API access into the customer tenant works.";
            return await this.PollUntilAsync(
                this.Settings.Verification,
                "access to propagate",
                async () => await this.calls.CallAsync<AccessReport>(nameof(VerifyAccessActivity), new AccessProbeRequest(this.input.Subject.CustomerTenantId, this.relationship.RoleTemplateIds)) is { IsGreen: false } report
                    ? Poll.NotYet($"Not yet: {report.Describe()} Rechecking (Microsoft propagation can take up to 48 hours).", Shield.Blue)
                    : Poll.Done(this.Replaced.Count > 0 ? works : null), // with nothing to replace, the onboarding's success completes the step
                missing => StepFailures.AccessStillMissing(missing, this.Settings.Verification.Timeout));
        }

        /// <summary>
        /// A migration's last step: the legacy relationships end only now that the new one gives green access, so the
        /// customer is never left without a working relationship. Ending is audited per relationship and safe to repeat.
        /// </summary>
        async Task<StepResult> EndReplacedRelationshipsAsync()
        {
            await this.journal.StartAsync(OnboardingStep.EndReplacedRelationships);
            string actor = $"onboarding {this.input.Subject.OnboardingId}";
            string why = $"Replaced by relationship {this.progress.RelationshipId}, which gives green access.";
            List<EndedRelationship> ended = [];
            foreach (string replaced in this.Replaced)
            {
                ended.Add(await this.calls.CallAsync<EndedRelationship>(
                    nameof(EndRelationshipActivity),
                    new RelationshipEndingTarget(this.input.Subject.PartnerTenantId, this.input.Subject.CustomerTenantId, replaced, this.progress.RelationshipId, actor, why)));
            }

            // The onboarding's success completes the step with this message (one write fewer).
            this.completion = $"Replaced relationship(s) ended: {string.Join("; ", ended.Select(e => e.Describe()))}.";
            return StepResult.Next;
        }

        /// <summary>Finds or creates the partner's role groups (service account in each) and keeps their IDs for the assignments.</summary>
        async Task<PartnerGroupsSummary> EnsureRoleGroupsAsync()
        {
            PartnerGroupsSummary groups = await this.calls.CallAsync<PartnerGroupsSummary>(
                nameof(EnsurePartnerGroupsActivity), new PartnerGroupsRequest(this.Settings.GroupPrefix, this.relationship.RoleTemplateIds));
            this.progress = this.progress with { RoleGroups = groups.Groups };
            return groups;
        }

        /// <summary>This onboarding gives up on <paramref name="relationshipId"/>: a retry never adopts it again.</summary>
        void Supersede(string relationshipId) => this.progress = this.progress with { Superseded = [.. this.progress.Superseded ?? [], relationshipId] };

        /// <inheritdoc />
        public Task<StepResult> PollUntilAsync(Polling timing, string waitingFor, Func<Task<Poll>> check, Func<string?, StepFailure> timedOut) =>
            this.polling.UntilAsync(timing, this.TakeWait(), waitingFor, check, timedOut, this.ContinueWaitingAsNew);

        /// <inheritdoc />
        public Task StartUnlessWaitingAsync() => this.progress.Wait is null ? this.journal.StartAsync(this.journal.Step) : Task.CompletedTask;

        /// <inheritdoc />
        public WaitState? TakeWait()
        {
            WaitState? carried = this.progress.Wait;
            this.progress = this.progress with { Wait = null };
            return carried;
        }

        /// <inheritdoc />
        public OnboardingOutcome ContinueWaitingAsNew(WaitState wait) => this.ContinueAsNew(this.journal.Step, this.progress with { Wait = wait });

        Task<RelationshipSnapshot?> GetRelationshipAsync(string relationshipId) => this.calls.CallAsync<RelationshipSnapshot?>(nameof(GetRelationshipActivity), relationshipId);

        /// <summary>Continues as a new execution at <paramref name="resumeAt"/>; this one ends with the returned outcome.</summary>
        OnboardingOutcome ContinueAsNew(OnboardingStep resumeAt, OnboardingProgress carried)
        {
            this.context.ContinueAsNew(this.input with { ResumeFrom = resumeAt, Progress = carried });
            return new OnboardingOutcome(OnboardingStatus.Running, Shield.None, $"Continuing at {resumeAt}.");
        }
    }
}
