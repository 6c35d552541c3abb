using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Core.Tests.Orchestrators;

/// <summary>A migration: an onboarding that replaces a customer's legacy relationship ends it only once the new one is green.</summary>
public sealed class MigrationTests : IAsyncLifetime
{
    static readonly Guid Customer = Guid.Parse("4b827261-d21f-4aa9-b7db-7fa1f56fb163");
    static readonly Guid OtherCustomer = Guid.Parse("0d000000-0000-4000-8000-0000000000aa");
    const string Legacy = "0a000000-0000-4000-8000-000000000001-0b000000-0000-4000-8000-000000000001";
    WorkflowHost host = null!;

    public async Task InitializeAsync()
    {
        this.host = await WorkflowHost.StartAsync();
        this.host.Relationships.Seed(new RelationshipSnapshot(Legacy, "Legacy admin", Customer, RelationshipStatus.Active, [RoleCatalog.GlobalAdministrator.TemplateId], DateTimeOffset.UtcNow.AddDays(200)));
    }

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    static OnboardingRequest Migrating(params string[] replaced) => new(Customer, "Contoso Pharma Ltd", ReplacesRelationshipIds: replaced);

    static StepRecord Step(OnboardingRecord record, OnboardingStep step) => record.Steps.Single(s => s.Step == step);

    RelationshipStatus StatusOf(string id) => this.host.Relationships.All.Single(r => r.Id == id).Status;

    async Task<OnboardingRecord> ApproveAsync(string id)
    {
        OnboardingRecord waiting = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);
        this.host.Relationships.Approve(waiting.RelationshipId!);
        await this.host.Client.RaiseEventAsync(id, OnboardingEvents.RelationshipApproved, new RelationshipApproved(waiting.RelationshipId!, ApprovalSource.Webhook));
        return waiting;
    }

    [Fact]
    public async Task The_legacy_relationship_stays_active_while_the_customer_has_not_approved_the_new_one()
    {
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Migrating(Legacy)));

        await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

        Assert.Equal(RelationshipStatus.Active, this.StatusOf(Legacy));
    }

    [Fact]
    public async Task Once_the_new_relationship_is_green_the_legacy_one_is_terminated_and_audited()
    {
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Migrating(Legacy)));
        OnboardingRecord waiting = await this.ApproveAsync(id);

        OnboardingOutcome outcome = await this.host.WaitForOutcomeAsync(id);

        OnboardingRecord record = (await this.host.Store.GetAsync(WorkflowHost.PartnerTenantId, id, default))!;
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal(RelationshipStatus.TerminationRequested, this.StatusOf(Legacy));
        Assert.Equal(RelationshipStatus.Active, this.StatusOf(waiting.RelationshipId!));
        Assert.Equal("API access into the customer tenant works.", Step(record, OnboardingStep.VerifyAccess).Message);
        Assert.Equal((StepStatus.Succeeded, "Replaced relationship(s) ended: 'Legacy admin': termination requested."), (Step(record, OnboardingStep.EndReplacedRelationships).Status, Step(record, OnboardingStep.EndReplacedRelationships).Message));
        OperationsAuditEntry audited = Assert.Single(this.host.OperationsAudit.Entries);
        Assert.Equal(($"onboarding {id}", "relationship.terminationRequested", Legacy), (audited.Actor, audited.Action, audited.Target));
        Assert.Contains($"Replaced by relationship {waiting.RelationshipId}", audited.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_onboarding_that_never_turns_green_ends_nothing()
    {
        this.host.Customers.Report = new AccessReport([RoleCatalog.BundleRoles[0].TemplateId], []);
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Migrating(Legacy)));
        await this.ApproveAsync(id);

        OnboardingRecord blue = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        Assert.Equal((Shield.Blue, OnboardingStep.VerifyAccess), (blue.Shield, blue.CurrentStep));
        Assert.Equal(StepStatus.Pending, Step(blue, OnboardingStep.EndReplacedRelationships).Status);
        Assert.Equal(RelationshipStatus.Active, this.StatusOf(Legacy));
    }

    [Fact]
    public async Task Another_customers_relationship_among_those_replaced_is_refused_and_nothing_is_ended()
    {
        const string Others = "0c000000-0000-4000-8000-000000000001-0d000000-0000-4000-8000-000000000001";
        this.host.Relationships.Seed(new RelationshipSnapshot(Others, "Someone else", OtherCustomer, RelationshipStatus.Active, [RoleCatalog.BundleRoles[0].TemplateId]));
        string id = await this.host.StartAsync(WorkflowHost.InputFor(Migrating(Others)));
        await this.ApproveAsync(id);

        OnboardingRecord failed = await this.host.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        Assert.Equal((Shield.Green, OnboardingStep.EndReplacedRelationships), (failed.Shield, failed.CurrentStep));
        Assert.StartsWith($"Relationship 'Someone else' ({Others}) belongs to customer {OtherCustomer}, not to {Customer}; nothing was ended. Fix:", Step(failed, OnboardingStep.EndReplacedRelationships).Message, StringComparison.Ordinal);
        Assert.EndsWith("; nothing was ended. Fix: name only this customer's relationships, then retry.", Step(failed, OnboardingStep.EndReplacedRelationships).Message, StringComparison.Ordinal);
        Assert.Equal(RelationshipStatus.Active, this.StatusOf(Others));
        Assert.Equal(RelationshipStatus.Active, this.StatusOf(Legacy));
    }
}
