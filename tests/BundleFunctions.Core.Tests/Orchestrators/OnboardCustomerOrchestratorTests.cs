using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Core.Tests.Orchestrators;

public sealed class OnboardCustomerOrchestratorTests : IAsyncLifetime
{
    static readonly Guid Customer = Guid.Parse("4b827261-d21f-4aa9-b7db-7fa1f56fb163");
    WorkflowHost host = null!;

    public async Task InitializeAsync() => this.host = await WorkflowHost.StartAsync();

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    static OnboardingRequest Contoso() => new(Customer, "Contoso Pharma Ltd");

    static StepRecord Step(OnboardingRecord record, OnboardingStep step) => record.Steps.Single(s => s.Step == step);

    Task<OnboardingRecord> WaitingForCustomer(string id) => this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

    [Fact]
    public async Task A_valid_request_creates_the_groups_and_relationship_and_publishes_the_approval_link()
    {
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));

        OnboardingRecord record = await this.WaitingForCustomer(id);

        RelationshipSnapshot relationship = Assert.Single(this.host.Relationships.All);
        Assert.Equal(("CPL-GDAP", RelationshipStatus.ApprovalPending, Customer), (relationship.DisplayName, relationship.Status, relationship.CustomerTenantId));
        Assert.Equal(RoleTemplate.Default.Roles.Select(r => r.TemplateId), relationship.RoleTemplateIds);
        Assert.Equal(RoleCatalog.BundleRoles.Select(r => $"Acme GDAP-{r.Name}").Order(), this.host.Directory.GroupNames.Order());
        Assert.Equal(relationship.Id, record.RelationshipId);
        Assert.Equal(ApprovalLink.For(RelationshipId.Parse(relationship.Id)), record.InvitationUrl);
        Assert.All(record.Steps.Take(4), s => Assert.Equal((StepStatus.Succeeded, 1), (s.Status, s.Attempts)));
        Assert.Equal(StepStatus.Running, Step(record, OnboardingStep.AwaitCustomerApproval).Status);
        Assert.Equal("12 groups ready (12 created, 12 memberships added).", Step(record, OnboardingStep.EnsurePartnerGroups).Message);
    }

    [Fact]
    public async Task A_name_taken_between_list_and_create_moves_on_to_the_next_name_within_the_same_attempt()
    {
        this.host.Relationships.LetAnotherCustomerTakeTheNextName(Guid.Parse("0d000000-0000-4000-8000-000000000001"));
        WorkflowSettings noActivityRetry = WorkflowHost.FastSettings with { ActivityRetry = WorkflowHost.FastSettings.ActivityRetry with { MaxAttempts = 1 } };

        OnboardingRecord record = await this.host.WaitForRecordAsync(await this.host.StartAsync(WorkflowHost.InputFor(Contoso(), noActivityRetry)), r => r.Status is OnboardingStatus.WaitingForCustomer or OnboardingStatus.Failed);

        Assert.Equal(OnboardingStatus.WaitingForCustomer, record.Status);
        Assert.Equal("Created 'CPL-GDAP-4b82' and locked it for approval.", Step(record, OnboardingStep.CreateRelationship).Message);
        Assert.Equal(1, this.host.Relationships.Creates);
    }

    [Fact]
    public async Task The_approval_event_runs_the_onboarding_to_a_green_shield()
    {
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));
        OnboardingRecord waiting = await this.WaitingForCustomer(id);

        this.host.Relationships.Approve(waiting.RelationshipId!);
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RelationshipApproved, new RelationshipApproved(waiting.RelationshipId!, ApprovalSource.Webhook));
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);

        OnboardingRecord record = (await this.host.Store.GetAsync(WorkflowHost.PartnerTenantId, id, default))!;
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (record.Status, record.Shield));
        Assert.All(record.Steps, s => Assert.Equal(s.Step == OnboardingStep.EndReplacedRelationships ? StepStatus.Skipped : StepStatus.Succeeded, s.Status)); // nothing to replace
        Assert.Equal("Approved by the customer (seen by webhook).", Step(record, OnboardingStep.AwaitCustomerApproval).Message);
        Assert.Equal(12, this.host.Relationships.Assignments.Count);
        Assert.Equal(12, this.host.Relationships.Assignments.Select(a => a.GroupId).Distinct().Count());
        Assert.All(this.host.Relationships.Assignments, a => Assert.Single(a.RoleTemplateIds));
        Assert.Equal(1, this.host.Customers.Consents);
    }

    [Fact]
    public async Task Polling_alone_sees_the_approval_when_no_webhook_arrives()
    {
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));
        OnboardingRecord waiting = await this.WaitingForCustomer(id);

        this.host.Relationships.Approve(waiting.RelationshipId!);
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);

        OnboardingRecord record = (await this.host.Store.GetAsync(WorkflowHost.PartnerTenantId, id, default))!;
        Assert.Equal(OnboardingStatus.Succeeded, outcome.Status);
        Assert.StartsWith("Approved by the customer (seen by polling after", Step(record, OnboardingStep.AwaitCustomerApproval).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approval_event_for_another_relationship_is_ignored()
    {
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));
        OnboardingRecord waiting = await this.WaitingForCustomer(id);

        // A webhook for another relationship, then the real approval, which only polling reports.
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RelationshipApproved, new RelationshipApproved("other-relationship", ApprovalSource.Webhook));
        this.host.Relationships.Approve(waiting.RelationshipId!);
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);
        OnboardingRecord done = (await this.host.Store.GetAsync(WorkflowHost.PartnerTenantId, id, default))!;

        Assert.Equal(OnboardingStatus.Succeeded, outcome.Status);
        Assert.StartsWith("Approved by the customer (seen by polling after ", Step(done, OnboardingStep.AwaitCustomerApproval).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_approval_event_before_activation_waits_until_the_relationship_is_active()
    {
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));
        OnboardingRecord waiting = await this.WaitingForCustomer(id);

        this.host.Relationships.SetStatus(waiting.RelationshipId!, RelationshipStatus.Activating);
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RelationshipApproved, new RelationshipApproved(waiting.RelationshipId!, ApprovalSource.Webhook));
        OnboardingRecord activating = await this.host.WaitForRecordAsync(id, r => Step(r, OnboardingStep.AwaitCustomerApproval).Message?.StartsWith("The customer approved; waiting for Microsoft", StringComparison.Ordinal) == true);
        this.host.Relationships.Approve(waiting.RelationshipId!);

        Assert.Equal((OnboardingStatus.Running, StepStatus.Running), (activating.Status, Step(activating, OnboardingStep.AwaitCustomerApproval).Status));
        Assert.Equal("The customer approved; waiting for Microsoft to activate the relationship (a few minutes to 24 hours).", Step(activating, OnboardingStep.AwaitCustomerApproval).Message);
        Assert.Equal(OnboardingStatus.Succeeded, (await this.host.WaitForOutcomeAsync(id)).Status);
    }

    [Fact]
    public async Task A_relationship_missing_roles_turns_the_shield_blue_naming_them()
    {
        this.host.Relationships.Seed(new RelationshipSnapshot($"{Guid.NewGuid()}-{Guid.NewGuid()}", "CPL-GDAP", Customer, RelationshipStatus.Active,
            [.. RoleTemplate.Default.Roles.Skip(2).Select(r => r.TemplateId)]));
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));

        OnboardingRecord record = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        Assert.Equal(Shield.Blue, record.Shield);
        Assert.StartsWith("The relationship lacks 2 required role(s): Application Administrator, Authentication Policy Administrator.", Step(record, OnboardingStep.VerifyRelationshipRoles).Message, StringComparison.Ordinal);
        Assert.Empty(this.host.Relationships.Assignments);
    }

    [Fact]
    public async Task A_conditional_access_block_fails_consent_blue_and_a_refresh_after_the_fix_turns_it_green()
    {
        this.host.Customers.ConsentFailure = "Consent is blocked by a Conditional Access policy in the customer tenant.";
        this.host.Relationships.Seed(new RelationshipSnapshot($"{Guid.NewGuid()}-{Guid.NewGuid()}", "CPL-GDAP", Customer, RelationshipStatus.Active, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]));
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));
        OnboardingRecord blocked = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        this.host.Customers.ConsentFailure = null;
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RefreshRequested, new OperatorDecision("operator@msp.example"));
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);

        Assert.Equal((Shield.Blue, OnboardingStep.ConsentApplication), (blocked.Shield, blocked.CurrentStep));
        Assert.Contains("Conditional Access", Step(blocked, OnboardingStep.ConsentApplication).Message, StringComparison.Ordinal);
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
    }

    [Fact]
    public async Task Verification_keeps_rechecking_while_access_propagates()
    {
        this.host.Customers.Report = new AccessReport([RoleCatalog.ExchangeAdministrator.TemplateId], []);
        this.host.Relationships.Seed(new RelationshipSnapshot($"{Guid.NewGuid()}-{Guid.NewGuid()}", "CPL-GDAP", Customer, RelationshipStatus.Active, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]));
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));

        OnboardingRecord propagating = await this.host.WaitForRecordAsync(id, r => r.Shield == Shield.Blue && r.Status == OnboardingStatus.Running);
        this.host.Customers.Report = new AccessReport([], []);
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);

        Assert.StartsWith("Not yet: No partner principal holds Exchange Administrator", Step(propagating, OnboardingStep.VerifyAccess).Message, StringComparison.Ordinal);
        Assert.EndsWith("in the customer tenant. Rechecking (Microsoft propagation can take up to 48 hours).", Step(propagating, OnboardingStep.VerifyAccess).Message, StringComparison.Ordinal);
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
    }

    [Fact]
    public async Task Consent_refused_while_gdap_roles_propagate_is_retried_until_partner_center_accepts_it()
    {
        this.host.Customers.ConsentRefusalsWhilePropagating = 3;
        this.host.Relationships.Seed(new RelationshipSnapshot($"{Guid.NewGuid()}-{Guid.NewGuid()}", "CPL-GDAP", Customer, RelationshipStatus.Active, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]));
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));

        OnboardingRecord waiting = await this.host.WaitForRecordAsync(id, r => Step(r, OnboardingStep.ConsentApplication) is { Status: StepStatus.Running, Message: not null });
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);

        OnboardingRecord record = (await this.host.Store.GetAsync(WorkflowHost.PartnerTenantId, id, default))!;
        Assert.StartsWith(
            "Waiting for the service account's GDAP roles (Application Administrator, Privileged Role Administrator) to reach the customer tenant before consent (Microsoft: up to an hour). Partner Center said: ",
            Step(waiting, OnboardingStep.ConsentApplication).Message,
            StringComparison.Ordinal);
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal((StepStatus.Succeeded, 1, "The application is consented into the customer tenant."), (Step(record, OnboardingStep.ConsentApplication).Status, Step(record, OnboardingStep.ConsentApplication).Attempts, Step(record, OnboardingStep.ConsentApplication).Message));
        Assert.Equal(0, this.host.Customers.ConsentRefusalsWhilePropagating);
    }

    [Fact]
    public async Task Consent_refused_past_the_propagation_window_ends_blue_naming_the_groups_to_fix()
    {
        this.host.Customers.ConsentRefusalsWhilePropagating = int.MaxValue;
        this.host.Relationships.Seed(new RelationshipSnapshot($"{Guid.NewGuid()}-{Guid.NewGuid()}", "CPL-GDAP", Customer, RelationshipStatus.Active, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]));
        WorkflowSettings settings = WorkflowHost.FastSettings with { Consent = new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)), OperatorDecisionTimeout = TimeSpan.FromSeconds(1) };

        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(await this.host.StartAsync(WorkflowHost.InputFor(Contoso(), settings)));

        Assert.Equal((OnboardingStatus.Failed, Shield.Blue, OnboardingStep.ConsentApplication), (outcome.Status, outcome.Shield, outcome.FailedStep));
        Assert.StartsWith("Partner Center still refuses the consent after 2 seconds.", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("Fix: make sure the service account is a member of the 'Acme GDAP-Application Administrator' and 'Acme GDAP-Privileged Role Administrator' groups", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Access_that_never_works_ends_blue_with_what_is_missing()
    {
        this.host.Customers.Report = new AccessReport([], ["Graph refused the smoke call in the customer tenant (403): Forbidden"]);
        this.host.Relationships.Seed(new RelationshipSnapshot($"{Guid.NewGuid()}-{Guid.NewGuid()}", "CPL-GDAP", Customer, RelationshipStatus.Active, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]));
        WorkflowSettings settings = WorkflowHost.FastSettings with { Verification = new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)), OperatorDecisionTimeout = TimeSpan.FromSeconds(1) };

        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(await this.host.StartAsync(WorkflowHost.InputFor(Contoso(), settings)));

        Assert.Equal((OnboardingStatus.Failed, Shield.Blue, OnboardingStep.VerifyAccess), (outcome.Status, outcome.Shield, outcome.FailedStep));
        Assert.StartsWith("API access still does not work after 2 seconds: ", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("Graph refused the smoke call", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_request_fails_validation_with_every_reason_and_calls_nothing()
    {
        OnboardingRequest bad = Contoso() with { RelationshipName = new string('x', 51), DurationDays = 731 };

        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(await this.host.StartAsync(WorkflowHost.InputFor(bad)));

        Assert.Equal((OnboardingStatus.Failed, OnboardingStep.Validate), (outcome.Status, outcome.FailedStep));
        Assert.Equal("The relationship name is 51 characters long; Microsoft allows at most 50. The duration must be from 1 to 730 days; 731 days was asked for.", outcome.Message);
        Assert.Equal((0, 0), (this.host.Directory.Calls, this.host.Relationships.All.Count));
    }

    [Fact]
    public async Task Transient_failures_are_retried_within_the_step()
    {
        this.host.Directory.Faults.FailTransiently(nameof(IPartnerDirectory.EnsureRoleGroupsAsync), 2);

        OnboardingRecord record = await this.WaitingForCustomer(await this.host.StartAsync(WorkflowHost.InputFor(Contoso())));

        Assert.Equal(12, this.host.Directory.GroupNames.Count);
        Assert.Equal(StepStatus.Succeeded, Step(record, OnboardingStep.EnsurePartnerGroups).Status);
        Assert.Equal(1, Step(record, OnboardingStep.EnsurePartnerGroups).Attempts);
    }

    [Fact]
    public async Task A_non_transient_failure_stops_at_once_with_its_message()
    {
        this.host.Directory.Faults.Refuse(nameof(IPartnerDirectory.EnsureRoleGroupsAsync), "The service account is not in AdminAgents.");
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));

        OnboardingRecord record = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        Assert.Equal(1, this.host.Directory.Calls);
        Assert.Equal((StepStatus.Failed, "The service account is not in AdminAgents."), (Step(record, OnboardingStep.EnsurePartnerGroups).Status, Step(record, OnboardingStep.EnsurePartnerGroups).Message));
        Assert.Equal(OnboardingStep.EnsurePartnerGroups, record.CurrentStep);
    }

    [Fact]
    public async Task Retry_resumes_at_the_failed_step_without_repeating_earlier_ones()
    {
        this.host.Directory.Faults.Refuse(nameof(IPartnerDirectory.EnsureRoleGroupsAsync), "The service account is not in AdminAgents.");
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));
        await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        this.host.Directory.Faults.Clear(nameof(IPartnerDirectory.EnsureRoleGroupsAsync));
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RetryRequested, new OperatorDecision("operator@msp.example"));
        OnboardingRecord record = await this.WaitingForCustomer(id);

        Assert.Equal(1, Step(record, OnboardingStep.Validate).Attempts);
        Assert.Equal((StepStatus.Succeeded, 2), (Step(record, OnboardingStep.EnsurePartnerGroups).Status, Step(record, OnboardingStep.EnsurePartnerGroups).Attempts));
        IReadOnlyList<AuditLine> audit = await this.host.Store.GetAuditTrailAsync(WorkflowHost.PartnerTenantId, id, default);
        Assert.Contains(audit, line => line.Message == "Retry from EnsurePartnerGroups requested by operator@msp.example.");
    }

    [Fact]
    public async Task Cancel_while_waiting_for_the_customer_ends_cancelled()
    {
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso()));
        await this.WaitingForCustomer(id);

        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.CancelRequested, new OperatorDecision("operator@msp.example"));
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);

        Assert.Equal(OnboardingStatus.Cancelled, outcome.Status);
        Assert.Equal("Cancelled by operator@msp.example at step AwaitCustomerApproval.", outcome.Message);
        Assert.Equal(OnboardingStatus.Cancelled, (await this.host.Store.GetAsync(WorkflowHost.PartnerTenantId, id, default))!.Status);
    }

    [Fact]
    public async Task Approval_that_never_comes_fails_at_the_deadline_and_a_retry_asks_for_a_new_relationship()
    {
        WorkflowSettings settings = WorkflowHost.FastSettings with { Approval = new Polling(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)) };
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Contoso(), settings));

        OnboardingRecord failed = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RetryRequested, new OperatorDecision("operator@msp.example"));
        OnboardingRecord waiting = await this.WaitingForCustomer(id);

        Assert.StartsWith("The approval request expired: the customer did not approve within", Step(failed, OnboardingStep.AwaitCustomerApproval).Message, StringComparison.Ordinal);
        Assert.Equal(2, this.host.Relationships.Creates);
        Assert.NotEqual(failed.RelationshipId, waiting.RelationshipId);
        Assert.Equal("CPL-GDAP-4b82", this.host.Relationships.All.Single(r => r.Id == waiting.RelationshipId).DisplayName);
        Assert.Equal(RelationshipStatus.ApprovalPending, this.host.Relationships.All.Single(r => r.Id == failed.RelationshipId).Status); // still pending at Microsoft, not adopted
    }

    [Fact]
    public async Task A_failure_nobody_acts_on_ends_failed_after_the_operator_timeout()
    {
        this.host.Directory.Faults.Refuse(nameof(IPartnerDirectory.EnsureRoleGroupsAsync), "Forbidden.");
        WorkflowSettings settings = WorkflowHost.FastSettings with { OperatorDecisionTimeout = TimeSpan.FromSeconds(1) };

        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(await this.host.StartAsync(WorkflowHost.InputFor(Contoso(), settings)));

        Assert.Equal((OnboardingStatus.Failed, OnboardingStep.EnsurePartnerGroups, "Forbidden."), (outcome.Status, outcome.FailedStep, outcome.Message));
    }

    [Fact]
    public async Task An_existing_relationship_of_the_customer_is_adopted_not_duplicated()
    {
        this.host.Relationships.Seed(new RelationshipSnapshot($"{Guid.NewGuid()}-{Guid.NewGuid()}", "CPL-GDAP", Customer, RelationshipStatus.ApprovalPending, []));

        OnboardingRecord record = await this.WaitingForCustomer(await this.host.StartAsync(WorkflowHost.InputFor(Contoso())));

        Assert.Equal(0, this.host.Relationships.Creates);
        Assert.Equal("Adopted the existing relationship 'CPL-GDAP' (ApprovalPending).", Step(record, OnboardingStep.CreateRelationship).Message);
    }

    [Fact]
    public async Task An_already_active_relationship_needs_no_approval()
    {
        this.host.Relationships.Seed(new RelationshipSnapshot($"{Guid.NewGuid()}-{Guid.NewGuid()}", "CPL-GDAP", Customer, RelationshipStatus.Active, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]));

        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(await this.host.StartAsync(WorkflowHost.InputFor(Contoso())));

        Assert.Equal(OnboardingStatus.Succeeded, outcome.Status);
        Assert.Equal(0, this.host.Relationships.Creates);
    }

    [Fact]
    public async Task A_name_held_by_another_customer_gets_a_unique_suffix()
    {
        this.host.Relationships.Seed(new RelationshipSnapshot($"{Guid.NewGuid()}-{Guid.NewGuid()}", "CPL-GDAP", Guid.NewGuid(), RelationshipStatus.Active, []));

        OnboardingRecord record = await this.WaitingForCustomer(await this.host.StartAsync(WorkflowHost.InputFor(Contoso())));

        Assert.Equal("Created 'CPL-GDAP-4b82' and locked it for approval.", Step(record, OnboardingStep.CreateRelationship).Message);
    }

    [Fact]
    public async Task A_blocking_readiness_check_stops_the_onboarding_at_its_first_microsoft_step_naming_the_check()
    {
        this.host.PartnerSetup.Facts = InMemoryPartnerFacts.Ready with { ServiceAccount = InMemoryPartnerFacts.Ready.ServiceAccount! with { InAdminAgents = false } };

        OnboardingRecord record = await this.host.WaitForRecordAsync(await this.host.StartAsync(WorkflowHost.InputFor(Contoso())), r => r.Status == OnboardingStatus.Failed);

        Assert.Equal(OnboardingStep.EnsurePartnerGroups, record.CurrentStep);
        string expected = "Partner readiness check serviceAccountAdminAgent fails: svc@contoso.example is not in AdminAgents: GDAP and Partner Center consent need an Admin Agent. Fix: Give svc@contoso.example the Admin agent role in Partner Center (Account settings → User management), then start again.";
        Assert.Equal(expected, Step(record, OnboardingStep.EnsurePartnerGroups).Message);
        Assert.Equal(0, this.host.Directory.Calls);
        Assert.Empty(this.host.Relationships.All);
    }
}
