using BundleFunctions.Gdap;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Core.Tests.Orchestrators;

/// <summary>The Global Administrator removal run on the in-memory backend: each relationship decided, acted on and audited.</summary>
public sealed class RemoveGlobalAdministratorOrchestratorTests : IAsyncLifetime
{
    static readonly Guid GlobalAdministrator = RoleCatalog.GlobalAdministrator.TemplateId;
    static readonly Guid UserAdministrator = RoleCatalog.UserAdministrator.TemplateId;
    WorkflowHost host = null!;

    public async Task InitializeAsync() => this.host = await WorkflowHost.StartAsync();

    public async Task DisposeAsync() => await this.host.DisposeAsync();

    RelationshipSnapshot Seed(string name, RelationshipStatus status, params Guid[] roles)
    {
        RelationshipSnapshot relationship = new($"{Guid.NewGuid()}-{Guid.NewGuid()}", name, Guid.NewGuid(), status, roles);
        this.host.Relationships.Seed(relationship);
        return relationship;
    }

    async Task<GlobalAdministratorRemovalReport> RunAsync(IReadOnlyList<string>? ids)
    {
        string id = await this.host.Client.ScheduleNewOrchestrationInstanceAsync(RemoveGlobalAdministratorOrchestrator.Name, new GlobalAdministratorRemovalRequest(WorkflowHost.PartnerTenantId, ids, "ops@msp.example", WorkflowHost.FastSettings.ActivityRetry));
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(60));
        OrchestrationMetadata done = await this.host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, limit.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<GlobalAdministratorRemovalReport>()!;
    }

    [Fact]
    public async Task All_removes_global_administrator_from_every_active_relationship_that_has_it_and_only_those()
    {
        RelationshipSnapshot legacy = this.Seed("Legacy-A", RelationshipStatus.Active, GlobalAdministrator, UserAdministrator);
        RelationshipSnapshot clean = this.Seed("Clean-B", RelationshipStatus.Active, UserAdministrator);
        RelationshipSnapshot pending = this.Seed("Pending-C", RelationshipStatus.ApprovalPending, GlobalAdministrator);

        GlobalAdministratorRemovalReport report = await this.RunAsync(null);

        GlobalAdministratorRemovalResult result = Assert.Single(report.Results);
        Assert.Equal((legacy.Id, GlobalAdministratorRemovalOutcomes.RemovalStarted), (result.RelationshipId, result.Outcome));
        IReadOnlyList<RelationshipSnapshot> now = await this.host.Relationships.ListAsync(default);
        Assert.Equal([UserAdministrator], now.Single(r => r.Id == legacy.Id).RoleTemplateIds);
        Assert.Equal([UserAdministrator], now.Single(r => r.Id == clean.Id).RoleTemplateIds);
        Assert.Equal([GlobalAdministrator], now.Single(r => r.Id == pending.Id).RoleTemplateIds);
    }

    [Fact]
    public async Task Named_relationships_each_get_their_outcome_and_one_audit_entry_with_who_asked()
    {
        RelationshipSnapshot legacy = this.Seed("Legacy-D", RelationshipStatus.Active, GlobalAdministrator, UserAdministrator);
        RelationshipSnapshot clean = this.Seed("Clean-E", RelationshipStatus.Active, UserAdministrator);
        RelationshipSnapshot expired = this.Seed("Expired-F", RelationshipStatus.Expired, GlobalAdministrator);
        string unknown = $"{Guid.NewGuid()}-{Guid.NewGuid()}";

        GlobalAdministratorRemovalReport report = await this.RunAsync([legacy.Id, clean.Id, expired.Id, unknown]);

        Assert.Equal(
            [GlobalAdministratorRemovalOutcomes.RemovalStarted, GlobalAdministratorRemovalOutcomes.NotIncluded, GlobalAdministratorRemovalOutcomes.NotActive, GlobalAdministratorRemovalOutcomes.NotFound],
            report.Results.Select(r => r.Outcome));
        Assert.Equal([legacy.Id, clean.Id, expired.Id, unknown], report.Results.Select(r => r.RelationshipId));
        Assert.Equal(new[] { legacy.Id, clean.Id, expired.Id, unknown }.Order(), this.host.OperationsAudit.Entries.Select(e => e.Target).Order());
        Assert.All(this.host.OperationsAudit.Entries, e => Assert.Equal("ops@msp.example", e.Actor));
        Assert.Equal(
            ["globalAdministrator.notActive", "globalAdministrator.notFound", "globalAdministrator.notIncluded", "globalAdministrator.removalStarted"],
            this.host.OperationsAudit.Entries.Select(e => e.Action).Order());
    }

    [Fact]
    public async Task A_refusal_and_a_relationship_microsoft_never_answers_for_are_failed_while_the_others_are_removed()
    {
        RelationshipSnapshot refused = this.Seed("Refused-G", RelationshipStatus.Active, GlobalAdministrator, UserAdministrator);
        RelationshipSnapshot silent = this.Seed("Silent-H", RelationshipStatus.Active, GlobalAdministrator, UserAdministrator);
        RelationshipSnapshot fine = this.Seed("Fine-I", RelationshipStatus.Active, GlobalAdministrator, UserAdministrator);
        this.host.Relationships.RemovalRefusals[refused.Id] = "Microsoft Graph refused (403): insufficient privileges.";
        this.host.Relationships.RemovalOutages.Add(silent.Id);

        GlobalAdministratorRemovalReport report = await this.RunAsync([refused.Id, silent.Id, fine.Id]);

        Dictionary<string, GlobalAdministratorRemovalResult> by = report.Results.ToDictionary(r => r.RelationshipId);
        Assert.Equal((GlobalAdministratorRemovalOutcomes.Failed, "Microsoft Graph refused (403): insufficient privileges."), (by[refused.Id].Outcome, by[refused.Id].Message));
        Assert.Equal(GlobalAdministratorRemovalOutcomes.Failed, by[silent.Id].Outcome);
        Assert.StartsWith("Gave up after the retries", by[silent.Id].Message, StringComparison.Ordinal);
        Assert.Equal(GlobalAdministratorRemovalOutcomes.RemovalStarted, by[fine.Id].Outcome);
        Assert.Equal(new[] { refused.Id, silent.Id, fine.Id }.Order(), this.host.OperationsAudit.Entries.Select(e => e.Target).Order());
        Assert.Equal("globalAdministrator.failed", this.host.OperationsAudit.Entries.Single(e => e.Target == silent.Id).Action);
    }
}
