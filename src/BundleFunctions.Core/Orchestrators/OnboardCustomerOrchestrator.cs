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
        // Stray approval events (another relationship's) are ignored; bounded so the wait cannot loop forever.
        const int MaxStrayEvents = 20;

        readonly TaskOptions activityOptions = RetryOptions(input.Settings.ActivityRetry);
        readonly RelationshipRequest relationship = input.Request.ToRelationshipRequest();
        OnboardingProgress progress = input.Progress ?? new OnboardingProgress();
        OnboardingStep step = input.ResumeFrom;
        OnboardingOutcome? ended;
        bool relationshipAlreadyActive;

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
                failure = new StepFailure(Explain(failed), this.step);
            }

            if (failure is not null)
            {
                return await this.FailAsync(failure);
            }

            if (this.ended is not null)
            {
                return this.ended;
            }

            // Steps 6-10 (role check, access assignments, consent, access verification) are not automated yet.
            const string next = "Relationship approved and active. Access assignments, consent and access verification are the next steps.";
            await this.RecordAsync(new ProgressUpdate(input.Subject, OnboardingStep.VerifyRelationshipRoles, StepStatus.Pending, next, OnboardingStatus.Running));
            return new OnboardingOutcome(OnboardingStatus.Running, Shield.None, next);
        }

        /// <summary>Runs the steps from <see cref="OnboardingInput.ResumeFrom"/>; returns the failure that stopped them, if any.</summary>
        async Task<StepFailure?> RunStepsAsync()
        {
            if (input.ResumeFrom <= OnboardingStep.EnsurePartnerGroups)
            {
                await this.EnsurePartnerGroupsAsync();
            }

            if (input.ResumeFrom <= OnboardingStep.CreateRelationship)
            {
                await this.CreateRelationshipAsync();
            }

            if (input.ResumeFrom <= OnboardingStep.PublishInvitation)
            {
                await this.PublishInvitationAsync();
            }

            return input.ResumeFrom <= OnboardingStep.AwaitCustomerApproval ? await this.AwaitCustomerApprovalAsync() : null;
    }

        async Task<OnboardingOutcome?> ValidateAsync()
        {
            await this.StartStepAsync(OnboardingStep.Validate, OnboardingStatus.Running);
            List<RuleViolation> violations = [.. input.Request.Validate()];
            if (!PartnerGroupName.IsValidPrefix(input.Settings.GroupPrefix, out string? prefixProblem))
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

        async Task EnsurePartnerGroupsAsync()
        {
            await this.StartStepAsync(OnboardingStep.EnsurePartnerGroups);
            PartnerGroupsSummary groups = await context.CallActivityAsync<PartnerGroupsSummary>(
                nameof(EnsurePartnerGroupsActivity),
                new EnsurePartnerGroupsInput(input.Settings.GroupPrefix, this.relationship.RoleTemplateIds),
                this.activityOptions);
            await this.CompleteStepAsync(groups.Describe());
        }

        async Task CreateRelationshipAsync()
        {
            await this.StartStepAsync(OnboardingStep.CreateRelationship);
            RelationshipPlacement placement = await context.CallActivityAsync<RelationshipPlacement>(
                nameof(CreateRelationshipActivity), this.relationship, this.activityOptions);
            this.progress = this.progress with { RelationshipId = placement.RelationshipId };
            this.relationshipAlreadyActive = placement.Status == RelationshipStatus.Active;
            await this.CompleteStepAsync(placement.Describe(), relationshipId: placement.RelationshipId);
        }

        async Task PublishInvitationAsync()
        {
            await this.StartStepAsync(OnboardingStep.PublishInvitation);
            Uri link = ApprovalLink.For(RelationshipId.Parse(this.RelationshipIdOrThrow()));
            await this.CompleteStepAsync("Approval link ready for the customer's Global Administrator.", invitationUrl: link);
        }

        /// <summary>Waits for the approval event, a cancel, or the deadline. A cancel ends the run through <see cref="ended"/>.</summary>
        async Task<StepFailure?> AwaitCustomerApprovalAsync()
        {
            string relationshipId = this.RelationshipIdOrThrow();
            DateTime deadline = context.CurrentUtcDateTime + input.Settings.ApprovalDeadline;
            if (this.relationshipAlreadyActive)
            {
                await this.StartStepAsync(OnboardingStep.AwaitCustomerApproval);
                await this.CompleteStepAsync("The relationship was already active.");
                return null;
            }

            await this.StartStepAsync(OnboardingStep.AwaitCustomerApproval, OnboardingStatus.WaitingForCustomer);
            context.SetCustomStatus(new OnboardingCustomStatus(this.step, OnboardingStatus.WaitingForCustomer, WaitingFor: "customer approval", DeadlineUtc: deadline));

            for (int stray = 0; stray <= MaxStrayEvents; stray++)
            {
                using CancellationTokenSource cancelWaits = new();
                Task<RelationshipApproved> approved = context.WaitForExternalEvent<RelationshipApproved>(OnboardingEvents.RelationshipApproved, cancelWaits.Token);
                Task<OperatorDecision> cancelled = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.CancelRequested, cancelWaits.Token);
                Task expired = context.CreateTimer(deadline, cancelWaits.Token);
                Task winner = await Task.WhenAny(approved, cancelled, expired);
                cancelWaits.Cancel();

                if (winner == cancelled)
                {
                    this.ended = await this.CancelAsync(cancelled.Result);
                    return null;
                }

                if (winner == expired)
                {
                    // An expired request cannot be approved any more: a retry asks for a new relationship.
                    return new StepFailure(
                        $"The approval request expired: the customer did not approve within {input.Settings.ApprovalDeadline.TotalDays:0.##} days. "
                        + "Retry to send a new request, or cancel.",
                        OnboardingStep.CreateRelationship);
                }

                if (string.Equals(approved.Result.RelationshipId, relationshipId, StringComparison.OrdinalIgnoreCase))
                {
                    await this.CompleteStepAsync($"Approved by the customer (seen by {approved.Result.Source}).", OnboardingStatus.Running);
                    return null;
                }
            }

            return new StepFailure($"Gave up after {MaxStrayEvents} approval events for other relationships; retry to wait again.", OnboardingStep.AwaitCustomerApproval);
        }

        async Task<OnboardingOutcome> FailAsync(StepFailure failure)
        {
            OnboardingStep failed = this.step;
            string message = failure.Message;
            await this.RecordAsync(new ProgressUpdate(input.Subject, failed, StepStatus.Failed, message, OnboardingStatus.Failed));
            context.SetCustomStatus(new OnboardingCustomStatus(failed, OnboardingStatus.Failed, WaitingFor: "operator retry or cancel", DeadlineUtc: null));

            using CancellationTokenSource cancelWaits = new();
            Task<OperatorDecision> retry = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.RetryRequested, cancelWaits.Token);
            Task<OperatorDecision> cancel = context.WaitForExternalEvent<OperatorDecision>(OnboardingEvents.CancelRequested, cancelWaits.Token);
            Task giveUp = context.CreateTimer(context.CurrentUtcDateTime + input.Settings.OperatorDecisionTimeout, cancelWaits.Token);
            Task winner = await Task.WhenAny(retry, cancel, giveUp);
            cancelWaits.Cancel();

            if (winner == retry)
            {
                OnboardingStep resumeAt = failure.ResumeAt;
                await this.RecordAsync(new ProgressUpdate(input.Subject, Status: OnboardingStatus.Running, Message: $"Retry from {resumeAt} requested by {retry.Result.RequestedBy}."));
                context.ContinueAsNew(input with { ResumeFrom = resumeAt, Progress = this.progress with { Retries = this.progress.Retries + 1 } });
                return new OnboardingOutcome(OnboardingStatus.Running, Shield.None, $"Retrying from {resumeAt}.");
            }

            return winner == cancel
                ? await this.CancelAsync(cancel.Result)
                : new OnboardingOutcome(OnboardingStatus.Failed, Shield.None, message, failed);
        }

        async Task<OnboardingOutcome> CancelAsync(OperatorDecision decision)
        {
            string message = $"Cancelled by {decision.RequestedBy} at step {this.step}.";
            await this.RecordAsync(new ProgressUpdate(input.Subject, Status: OnboardingStatus.Cancelled, Message: message));
            context.SetCustomStatus(new OnboardingCustomStatus(this.step, OnboardingStatus.Cancelled, WaitingFor: null, DeadlineUtc: null));
            return new OnboardingOutcome(OnboardingStatus.Cancelled, Shield.None, message);
        }

        Task StartStepAsync(OnboardingStep next, OnboardingStatus? status = null)
        {
            this.step = next;
            context.SetCustomStatus(new OnboardingCustomStatus(next, status ?? OnboardingStatus.Running, WaitingFor: null, DeadlineUtc: null));

            // The attempt key makes a re-delivered "running" write count once; NewGuid is replay-safe.
            return this.RecordAsync(new ProgressUpdate(input.Subject, next, StepStatus.Running, Status: status, AttemptKey: context.NewGuid().ToString("N")));
        }

        Task CompleteStepAsync(string message, OnboardingStatus? status = null, string? relationshipId = null, Uri? invitationUrl = null) =>
            this.RecordAsync(new ProgressUpdate(input.Subject, this.step, StepStatus.Succeeded, message, status, RelationshipId: relationshipId, InvitationUrl: invitationUrl));

        Task RecordAsync(ProgressUpdate update) =>
            context.CallActivityAsync<bool>(nameof(RecordProgressActivity), update, this.activityOptions);

        string RelationshipIdOrThrow() =>
            this.progress.RelationshipId ?? throw new InvalidOperationException("No relationship is known yet; the onboarding must pass CreateRelationship first.");

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

/// <summary>Why the steps stopped, and where a retry resumes.</summary>
/// <param name="Message">What failed, in words an operator can act on.</param>
/// <param name="ResumeAt">The step a retry starts from.</param>
internal sealed record StepFailure(string Message, OnboardingStep ResumeAt);

/// <summary>The custom status an onboarding instance shows: small, and never a secret.</summary>
/// <param name="Step">The current step.</param>
/// <param name="Status">The onboarding status.</param>
/// <param name="WaitingFor">What it waits for, if it waits.</param>
/// <param name="DeadlineUtc">Until when it waits.</param>
public sealed record OnboardingCustomStatus(OnboardingStep Step, OnboardingStatus Status, string? WaitingFor, DateTime? DeadlineUtc);
