using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Core.Tests.Orchestrators;

/// <summary>
/// Every step that calls Microsoft, twice: a transient fault retried within the step (the step still succeeds, once), and a
/// cause retrying cannot fix (the step fails naming the operator's fix, and the operator's retry or refresh does what the
/// README says). PublishInvitation calls nothing that can fail; validation failures are in the orchestrator tests.
/// </summary>
public sealed class StepFailureTests : IAsyncLifetime
{
    static readonly Guid Customer = Guid.Parse("4b827261-d21f-4aa9-b7db-7fa1f56fb163");
    static readonly OperatorDecision Operator = new("operator@msp.example");
    WorkflowHost host = null!;

    public async Task InitializeAsync() => this.host = await WorkflowHost.StartAsync();

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    static OnboardingInput Contoso(WorkflowSettings? settings = null) => WorkflowHost.InputFor(new OnboardingRequest(Customer, "Contoso Pharma Ltd"), settings);

    static StepRecord Step(OnboardingRecord record, OnboardingStep step) => record.Steps.Single(s => s.Step == step);

    string SeedActiveRelationship()
    {
        string id = $"{Guid.NewGuid()}-{Guid.NewGuid()}";
        this.host.Relationships.Seed(new RelationshipSnapshot(id, "CPL-GDAP", Customer, RelationshipStatus.Active, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]));
        return id;
    }

    Task<OnboardingRecord> FailedAsync(string id) => this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

    async Task<OnboardingRecord> RecordAsync(string id) => (await this.host.Store.GetAsync(WorkflowHost.PartnerTenantId, id, default))!;

    ScriptedFaults FaultsOf(string port) => port switch
    {
        nameof(IPartnerDirectory) => this.host.Directory.Faults,
        nameof(IGdapRelationships) => this.host.Relationships.Faults,
        _ => this.host.Customers.Faults,
    };

    public static TheoryData<OnboardingStep, string, string, int> TransientFaults => new()
    {
        { OnboardingStep.EnsurePartnerGroups, nameof(IPartnerDirectory), nameof(IPartnerDirectory.EnsureRoleGroupsAsync), 0 },
        { OnboardingStep.CreateRelationship, nameof(IGdapRelationships), nameof(IGdapRelationships.ListAsync), 0 },
        { OnboardingStep.VerifyRelationshipRoles, nameof(IGdapRelationships), nameof(IGdapRelationships.GetAsync), 0 },
        { OnboardingStep.CreateAccessAssignments, nameof(IGdapRelationships), nameof(IGdapRelationships.CreateAccessAssignmentAsync), 0 },
        { OnboardingStep.AwaitAssignmentsActive, nameof(IGdapRelationships), nameof(IGdapRelationships.ListAccessAssignmentsAsync), 1 }, // the first listing is the create step's
        { OnboardingStep.ConsentApplication, nameof(ICustomerAccess), nameof(ICustomerAccess.EnsureConsentAsync), 0 },
        { OnboardingStep.VerifyAccess, nameof(ICustomerAccess), nameof(ICustomerAccess.ProbeAsync), 0 },
    };

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task Two_transient_faults_in_a_steps_call_are_retried_within_the_step_which_succeeds_at_its_first_attempt(OnboardingStep step, string port, string operation, int after)
    {
        this.SeedActiveRelationship();
        this.FaultsOf(port).FailTransiently(operation, times: 2, after);

        string id = await this.host.StartAsync(Contoso());
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);
        OnboardingRecord record = await this.RecordAsync(id);

        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal((StepStatus.Succeeded, 1), (Step(record, step).Status, Step(record, step).Attempts));
        Assert.True(this.FaultsOf(port).CallsOf(operation) >= after + 3, $"{operation} was called {this.FaultsOf(port).CallsOf(operation)} times: two faults and a success need at least {after + 3}.");
    }

    [Fact]
    public async Task A_transient_fault_while_polling_for_the_approval_is_retried_and_the_approval_is_still_seen()
    {
        string id = await this.host.StartAsync(Contoso());
        OnboardingRecord waiting = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

        this.host.Relationships.Faults.FailTransiently(nameof(IGdapRelationships.GetAsync), times: 2);
        this.host.Relationships.Approve(waiting.RelationshipId!);
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);
        OnboardingRecord record = await this.RecordAsync(id);

        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal(1, Step(record, OnboardingStep.AwaitCustomerApproval).Attempts);
        Assert.StartsWith("Approved by the customer (seen by polling after ", Step(record, OnboardingStep.AwaitCustomerApproval).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_retry_after_longer_than_an_activity_waits_is_slept_on_a_durable_timer_that_shows_it_and_the_step_then_succeeds()
    {
        this.SeedActiveRelationship();
        this.host.Customers.Faults.Throttle(nameof(ICustomerAccess.EnsureConsentAsync), TimeSpan.FromMinutes(5), times: 1);
        WorkflowSettings settings = WorkflowHost.FastSettings with { TimeScale = 1.0 / 150 }; // Microsoft's 5 minutes are 2 s here

        string id = await this.host.StartAsync(Contoso(settings));
        OnboardingCustomStatus sleeping = await this.CustomStatusAsync(id, s => s.WaitingFor?.Contains("Retry-After", StringComparison.Ordinal) == true);
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);
        OnboardingRecord done = await this.RecordAsync(id);

        Assert.Equal((OnboardingStep.ConsentApplication, OnboardingStatus.Running, "Microsoft's Retry-After of 300 s"), (sleeping.Step, sleeping.Status, sleeping.WaitingFor));
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal(1, Step(done, OnboardingStep.ConsentApplication).Attempts);
        Assert.Equal(2, this.host.Customers.Faults.CallsOf(nameof(ICustomerAccess.EnsureConsentAsync)));
    }

    [Fact]
    public async Task Names_taken_at_every_create_give_up_after_the_configured_retries_and_say_to_retry_once_fixed()
    {
        this.host.Relationships.LetOtherCustomersTakeEveryName(Guid.Parse("0d000000-0000-4000-8000-000000000001"));
        WorkflowSettings twoAttempts = WorkflowHost.FastSettings with { ActivityRetry = WorkflowHost.FastSettings.ActivityRetry with { MaxAttempts = 2 } };

        OnboardingRecord failed = await this.FailedAsync(await this.host.StartAsync(Contoso(twoAttempts)));

        Assert.Equal((OnboardingStep.CreateRelationship, Shield.None), (failed.CurrentStep, failed.Shield));
        Assert.Equal(
            "Every name tried for 'CPL-GDAP' was taken meanwhile, 5 times over; the retry reads the relationships again. (gave up after the configured retries; retry the onboarding when the cause is fixed).",
            Step(failed, OnboardingStep.CreateRelationship).Message);
        Assert.Equal(0, this.host.Relationships.Creates);
        Assert.Equal(10, this.host.Relationships.Faults.CallsOf(nameof(IGdapRelationships.CreateAsync))); // 5 looks × 2 attempts
    }

    [Fact]
    public async Task A_lock_microsoft_refuses_fails_the_relationship_step_with_its_reason_and_a_retry_locks_the_same_relationship()
    {
        const string refusal = "Locking the relationship for approval was refused: The relationship cannot be finalized at this time.";
        this.host.Relationships.Faults.Refuse(nameof(IGdapRelationships.LockForApprovalAsync), refusal);
        string id = await this.host.StartAsync(Contoso());
        OnboardingRecord failed = await this.FailedAsync(id);

        this.host.Relationships.Faults.Clear(nameof(IGdapRelationships.LockForApprovalAsync));
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RetryRequested, Operator);
        OnboardingRecord waiting = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

        Assert.Equal((OnboardingStep.CreateRelationship, refusal), (failed.CurrentStep, Step(failed, OnboardingStep.CreateRelationship).Message));
        Assert.Equal(1, this.host.Relationships.Creates);
        Assert.Equal("Adopted the existing relationship 'CPL-GDAP' (ApprovalPending).", Step(waiting, OnboardingStep.CreateRelationship).Message);
        Assert.Equal(RelationshipStatus.ApprovalPending, Assert.Single(this.host.Relationships.All).Status);
    }

    [Fact]
    public async Task A_relationship_that_ends_before_approval_fails_the_wait_and_a_retry_sends_a_new_request()
    {
        string id = await this.host.StartAsync(Contoso());
        OnboardingRecord waiting = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

        this.host.Relationships.SetStatus(waiting.RelationshipId!, RelationshipStatus.Terminated);
        OnboardingRecord failed = await this.FailedAsync(id);
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RetryRequested, Operator);
        OnboardingRecord again = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

        Assert.Equal(
            "The relationship ended before it was approved (status Terminated). Retry to send a new request, or cancel.",
            Step(failed, OnboardingStep.AwaitCustomerApproval).Message);
        Assert.Equal(2, this.host.Relationships.Creates);
        Assert.NotEqual(waiting.RelationshipId, again.RelationshipId);
        Assert.Equal(2, Step(again, OnboardingStep.CreateRelationship).Attempts);
    }

    [Fact]
    public async Task An_approval_microsoft_never_activates_fails_at_the_activation_deadline_and_a_retry_waits_again_without_asking_the_customer()
    {
        WorkflowSettings settings = WorkflowHost.FastSettings with { Activation = new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)) };
        string id = await this.host.StartAsync(Contoso(settings));
        OnboardingRecord waiting = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

        this.host.Relationships.SetStatus(waiting.RelationshipId!, RelationshipStatus.Approved);
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RelationshipApproved, new RelationshipApproved(waiting.RelationshipId!, ApprovalSource.Webhook));
        OnboardingRecord failed = await this.FailedAsync(id);
        this.host.Relationships.Approve(waiting.RelationshipId!);
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RetryRequested, Operator);
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);
        OnboardingRecord done = await this.RecordAsync(id);

        Assert.Equal(
            "The customer approved, but Microsoft has not activated the relationship after 2 seconds. Retry later; if it stays so, open a Partner Center support request.",
            Step(failed, OnboardingStep.AwaitCustomerApproval).Message);
        Assert.Equal(OnboardingStatus.Succeeded, outcome.Status);
        Assert.Equal(1, this.host.Relationships.Creates);
        Assert.Equal((2, "Approved by the customer (seen by webhook)."), (Step(done, OnboardingStep.AwaitCustomerApproval).Attempts, Step(done, OnboardingStep.AwaitCustomerApproval).Message));
    }

    [Fact]
    public async Task A_customer_who_takes_long_costs_a_new_execution_every_ten_polls_and_the_wait_carries_its_count_and_deadline()
    {
        WorkflowSettings settings = WorkflowHost.FastSettings with { Approval = new Polling(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60)) };
        string id = await this.host.StartAsync(Contoso(settings));
        OnboardingRecord waiting = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

        OnboardingInput first = await this.ContinuedAsNewAsync(id, input => input.Progress?.Wait?.Polls >= 10);
        OnboardingInput second = await this.ContinuedAsNewAsync(id, input => input.Progress?.Wait?.Polls >= 2 * 10);
        this.host.Relationships.Approve(waiting.RelationshipId!);
        await this.host.WaitForOutcomeAsync(id);
        OnboardingRecord done = await this.RecordAsync(id);

        Assert.Equal((OnboardingStep.AwaitCustomerApproval, 0), (second.ResumeFrom, second.Progress!.Retries));
        Assert.Equal(first.Progress!.Wait!.DeadlineUtc, second.Progress.Wait!.DeadlineUtc);
        StepRecord approval = Step(done, OnboardingStep.AwaitCustomerApproval);
        Assert.Equal(1, approval.Attempts);
        int checks = int.Parse(approval.Message!.Split("after ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(checks > 20, $"The count of checks starts again in each execution: '{approval.Message}'.");
    }

    [Fact]
    public async Task An_assignment_microsoft_refuses_fails_blue_and_a_retry_recreates_a_deleted_group_before_assigning()
    {
        this.SeedActiveRelationship();
        const string refusal = "Giving Exchange Administrator to group g was refused by Microsoft Graph: The access container does not exist. If the group was deleted, retry: the retry recreates it before assigning.";
        this.host.Relationships.Faults.Refuse(nameof(IGdapRelationships.CreateAccessAssignmentAsync), refusal);
        string id = await this.host.StartAsync(Contoso());
        OnboardingRecord failed = await this.FailedAsync(id);
        string[] groupsBefore = [.. this.host.Directory.GroupIds];

        this.host.Directory.DeleteGroup("Acme GDAP-Exchange Administrator");
        this.host.Relationships.Faults.Clear(nameof(IGdapRelationships.CreateAccessAssignmentAsync));
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RetryRequested, Operator);
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);

        Assert.Equal((OnboardingStep.CreateAccessAssignments, Shield.Blue, refusal), (failed.CurrentStep, failed.Shield, Step(failed, OnboardingStep.CreateAccessAssignments).Message));
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal(12, this.host.Relationships.Assignments.Count);
        Assert.Equal(this.host.Directory.GroupIds.Order(), this.host.Relationships.Assignments.Select(a => a.GroupId).Order());
        Assert.Single(this.host.Directory.GroupIds.Except(groupsBefore)); // the recreated group, now assigned
    }

    [Fact]
    public async Task An_assignment_deleted_at_microsoft_while_pending_fails_blue_naming_its_role_and_a_retry_makes_it_again()
    {
        this.SeedActiveRelationship();
        this.host.Relationships.AssignmentsStayPending = true;
        string id = await this.host.StartAsync(Contoso());
        await this.host.WaitForRecordAsync(id, r => Step(r, OnboardingStep.AwaitAssignmentsActive) is { Status: StepStatus.Running, Message: not null });

        this.host.Relationships.SetAssignmentStatus(this.GroupOf(RoleCatalog.ExchangeAdministrator), "deleted");
        OnboardingRecord failed = await this.FailedAsync(id);
        this.host.Relationships.AssignmentsStayPending = false;
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RetryRequested, Operator);
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);

        Assert.Equal((OnboardingStep.AwaitAssignmentsActive, Shield.Blue), (failed.CurrentStep, failed.Shield));
        Assert.Equal("Access assignments failed for: Exchange Administrator. Retry to create them again.", Step(failed, OnboardingStep.AwaitAssignmentsActive).Message);
        Assert.Equal(OnboardingStatus.Succeeded, outcome.Status);
        Assert.Equal(13, this.host.Relationships.Assignments.Count); // the deleted one stays listed, as Graph lists it
        Assert.Equal(12, this.host.Relationships.Assignments.Count(a => a.Status == "active"));
    }

    [Fact]
    public async Task Assignments_still_pending_at_the_deadline_fail_blue_saying_how_many_and_to_retry_later()
    {
        this.SeedActiveRelationship();
        this.host.Relationships.AssignmentsStayPending = true;
        WorkflowSettings settings = WorkflowHost.FastSettings with { Assignments = new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)) };

        OnboardingRecord failed = await this.FailedAsync(await this.host.StartAsync(Contoso(settings)));

        Assert.Equal((OnboardingStep.AwaitAssignmentsActive, Shield.Blue), (failed.CurrentStep, failed.Shield));
        Assert.Equal(
            "12 access assignment(s) are pending at Microsoft (usually about 30 seconds, sometimes hours). Still so after 2 seconds: retry later.",
            Step(failed, OnboardingStep.AwaitAssignmentsActive).Message);
    }

    [Fact]
    public async Task A_refresh_after_a_failed_step_reruns_consent_and_the_access_check_not_the_failed_step()
    {
        this.SeedActiveRelationship();
        this.host.Relationships.AssignmentsStayPending = true;
        WorkflowSettings settings = WorkflowHost.FastSettings with { Assignments = new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)) };
        string id = await this.host.StartAsync(Contoso(settings));
        await this.FailedAsync(id);
        int consentsBefore = this.host.Customers.Faults.CallsOf(nameof(ICustomerAccess.EnsureConsentAsync));
        int listingsBefore = this.host.Relationships.Faults.CallsOf(nameof(IGdapRelationships.ListAccessAssignmentsAsync));

        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RefreshRequested, Operator);
        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);
        OnboardingRecord done = await this.RecordAsync(id);
        IReadOnlyList<AuditLine> audit = await this.host.Store.GetAuditTrailAsync(WorkflowHost.PartnerTenantId, id, default);

        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal((0, 1), (consentsBefore, this.host.Customers.Faults.CallsOf(nameof(ICustomerAccess.EnsureConsentAsync))));
        Assert.Equal(listingsBefore, this.host.Relationships.Faults.CallsOf(nameof(IGdapRelationships.ListAccessAssignmentsAsync)));
        Assert.Equal((StepStatus.Failed, 1), (Step(done, OnboardingStep.AwaitAssignmentsActive).Status, Step(done, OnboardingStep.AwaitAssignmentsActive).Attempts));
        Assert.Equal(StepStatus.Succeeded, Step(done, OnboardingStep.VerifyAccess).Status);
        Assert.Contains(audit, line => line.Message == "Refresh (consent and access check) requested by operator@msp.example.");
    }

    string GroupOf(EntraRole role) =>
        this.host.Relationships.Assignments.Single(a => a.RoleTemplateIds.Contains(role.TemplateId) && a.IsLive).GroupId;

    /// <summary>Waits until the instance shows a custom status that satisfies <paramref name="condition"/>.</summary>
    Task<OnboardingCustomStatus> CustomStatusAsync(string id, Func<OnboardingCustomStatus, bool> condition) =>
        this.InstanceAsync(id, instance => instance.ReadCustomStatusAs<OnboardingCustomStatus>(), condition);

    /// <summary>Waits until the instance has continued as new with an input that satisfies <paramref name="condition"/>.</summary>
    Task<OnboardingInput> ContinuedAsNewAsync(string id, Func<OnboardingInput, bool> condition) =>
        this.InstanceAsync(id, instance => instance.ReadInputAs<OnboardingInput>(), condition);

    /// <summary>Polls the instance until what <paramref name="read"/> takes from it satisfies <paramref name="condition"/>.</summary>
    async Task<T> InstanceAsync<T>(string id, Func<OrchestrationMetadata, T?> read, Func<T, bool> condition)
        where T : class
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
        while (true)
        {
            OrchestrationMetadata? instance = await this.host.Client.GetInstanceAsync(id, getInputsAndOutputs: true, timeout.Token);
            if (instance is not null && read(instance) is { } seen && condition(seen))
            {
                return seen;
            }

            await Task.Delay(50, timeout.Token);
        }
    }
}
