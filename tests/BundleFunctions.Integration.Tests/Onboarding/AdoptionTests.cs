using System.Text.Json.Nodes;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.Onboarding;

/// <summary>Onboarding a customer by adopting the relationship it already has (the customer book's <c>covered</c> verdict).</summary>
public sealed class AdoptionTests : IAsyncLifetime
{
    static readonly Guid Covered = GeneratedSeed.Customer(1);
    static readonly Guid GlobalAdministratorOnly = GeneratedSeed.Customer(3);
    static readonly Guid Expiring = GeneratedSeed.Customer(4);

    OnboardingStack stack = null!;

    public async Task InitializeAsync() => this.stack = await OnboardingStack.StartAsync(seedJson: GeneratedSeed.Fleet(5, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]));

    public async Task DisposeAsync() => await this.stack.DisposeAsync();

    [Fact]
    public async Task Adopting_a_covering_relationship_goes_green_without_a_new_relationship_or_a_wait_for_the_customer()
    {
        string existing = await this.RelationshipOfAsync(Covered);

        string id = await this.stack.StartAsync(Adopt(Covered, existing));
        OnboardingOutcome outcome = await this.stack.WaitForOutcomeAsync(id);

        OnboardingRecord record = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        JsonArray relationships = (await this.stack.StateAsync())["relationships"]!.AsArray();
        JsonObject adopted = relationships.Single(r => r!["id"]!.GetValue<string>() == existing)!.AsObject();
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal(existing, record.RelationshipId);
        Assert.Null(record.InvitationUrl);
        Assert.Equal("Adopted the existing relationship 'Managed 0001' (Active).", Step(record, OnboardingStep.CreateRelationship).Message);
        Assert.Equal("No approval link is needed: the relationship is already active.", Step(record, OnboardingStep.PublishInvitation).Message);
        Assert.Equal("The relationship was already active.", Step(record, OnboardingStep.AwaitCustomerApproval).Message);
        Assert.Equal(4, relationships.Count); // the seeded ones only: nothing was requested
        Assert.Empty(adopted["requests"]!.AsArray()); // no lockForApproval: the customer was asked for nothing
        Assert.Equal(12, adopted["accessAssignments"]!.AsArray().Count(a => a!["status"]!.GetValue<string>() == "active"));
    }

    [Fact]
    public async Task A_relationship_with_only_global_administrator_is_refused_for_adoption_naming_the_missing_roles_and_the_fix()
    {
        string existing = await this.RelationshipOfAsync(GlobalAdministratorOnly);

        string id = await this.stack.StartAsync(Adopt(GlobalAdministratorOnly, existing));
        OnboardingRecord failed = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        string message = Step(failed, OnboardingStep.CreateRelationship).Message!;
        Assert.Equal(OnboardingStep.CreateRelationship, failed.CurrentStep);
        Assert.StartsWith("Relationship 'Legacy admin 0003' lacks 12 of the roles asked for (Application Administrator, ", message, StringComparison.Ordinal);
        Assert.EndsWith("): it cannot be adopted. Fix: cancel this onboarding and start it again without adoptRelationshipId, which requests a new relationship from the customer (GET /api/customers/" + GlobalAdministratorOnly + " names a relationship that covers the customer, if one does).", message, StringComparison.Ordinal);
        Assert.Equal(4, (await this.stack.StateAsync())["relationships"]!.AsArray().Count);
    }

    [Fact]
    public async Task A_relationship_ending_within_30_days_is_refused_for_adoption()
    {
        string existing = await this.RelationshipOfAsync(Expiring);

        string id = await this.stack.StartAsync(Adopt(Expiring, existing));
        OnboardingRecord failed = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        Assert.StartsWith("Relationship 'Expiring 0004' ends on ", Step(failed, OnboardingStep.CreateRelationship).Message, StringComparison.Ordinal);
        Assert.Contains(", within 30 days, and does not auto-extend: it cannot be adopted.", Step(failed, OnboardingStep.CreateRelationship).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_customers_relationship_is_refused_for_adoption()
    {
        string someoneElses = await this.RelationshipOfAsync(Covered);

        string id = await this.stack.StartAsync(Adopt(Expiring, someoneElses));
        OnboardingRecord failed = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        Assert.StartsWith($"Relationship 'Managed 0001' is with customer {Covered}, not {Expiring}: it cannot be adopted.", Step(failed, OnboardingStep.CreateRelationship).Message, StringComparison.Ordinal);
    }

    static OnboardingInput Adopt(Guid customer, string relationshipId)
    {
        OnboardingInput input = OnboardingStack.InputFor(customer, $"Customer {customer}");
        return input with { Request = input.Request with { AdoptRelationshipId = relationshipId } };
    }

    static StepRecord Step(OnboardingRecord record, OnboardingStep step) => record.Steps.Single(s => s.Step == step);

    async Task<string> RelationshipOfAsync(Guid customer) =>
        (await this.stack.StateAsync())["relationships"]!.AsArray().Single(r => r!["customerTenantId"]!.GetValue<string>() == customer.ToString())!["id"]!.GetValue<string>();
}
