using System.Text.Json.Nodes;
using BundleFunctions.Api;
using BundleFunctions.Infrastructure.Events;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Integration.Tests.Onboarding;

public sealed class ScheduledJobsTests : IAsyncLifetime
{
    OnboardingStack stack = null!;

    public async Task InitializeAsync() => this.stack = await OnboardingStack.StartAsync();

    public async Task DisposeAsync() => await this.stack.DisposeAsync();

    ScheduledJobs Jobs(bool autoExtend = false) => new(
        this.stack.Client,
        this.stack.Store,
        this.stack.Services.GetRequiredService<IGdapRelationships>(),
        this.stack.Services.GetRequiredService<ICustomerAccess>(),
        new PartnerTenant(OnboardingStack.PartnerTenantId),
        TimeProvider.System,
        new JobOptions { AutoExtend = autoExtend });

    async Task<string> OnboardToGreenAsync(OnboardingInput input)
    {
        string id = await this.stack.StartAsync(input);
        OnboardingRecord waiting = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);
        await this.stack.ApproveAsync(waiting.RelationshipId!, input.Subject.CustomerTenantId);
        Assert.Equal(Shield.Green, (await this.stack.WaitForOutcomeAsync(id)).Shield);
        return id;
    }

    [Fact]
    public async Task The_safety_net_raises_the_approval_a_lost_webhook_never_delivered()
    {
        WorkflowSettings noTimelyPolling = OnboardingStack.FastSettings with { Approval = new Polling(TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30), TimeSpan.FromDays(1)) };
        string id = await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd", noTimelyPolling));
        OnboardingRecord waiting = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);
        await this.stack.ApproveAsync(waiting.RelationshipId!, OnboardingStack.Fabrikam);

        int raised = await this.Jobs().ApprovalSafetyNetAsync(default);
        OnboardingOutcome outcome = await this.stack.WaitForOutcomeAsync(id);

        Assert.Equal(1, raised);
        Assert.Equal(OnboardingStatus.Succeeded, outcome.Status);
        Assert.Equal("Approved by the customer (seen by safety-net).", (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!.Steps.Single(s => s.Step == OnboardingStep.AwaitCustomerApproval).Message);
    }

    [Fact]
    public async Task The_daily_recheck_turns_the_shield_blue_when_the_relationship_is_terminated()
    {
        string id = await this.OnboardToGreenAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        OnboardingRecord green = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        await this.stack.TerminateAsync(green.RelationshipId!);

        int changed = await this.Jobs().AccessRecheckAsync(default);
        int again = await this.Jobs().AccessRecheckAsync(default);

        OnboardingRecord blue = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        Assert.Equal((1, 0), (changed, again));
        Assert.Equal(Shield.Blue, blue.Shield);
        Assert.Contains(await this.stack.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, id, default), l => l.Actor == "daily access recheck" && l.What == "shield Blue");
    }

    [Fact]
    public async Task The_daily_recheck_checks_the_roles_the_onboarding_asked_for_and_keeps_a_custom_role_customer_green()
    {
        Guid[] roles = [Gdap.RoleCatalog.ApplicationAdministrator.TemplateId, Gdap.RoleCatalog.PrivilegedRoleAdministrator.TemplateId, Gdap.RoleCatalog.GlobalReader.TemplateId];
        OnboardingInput standard = OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd");
        string id = await this.OnboardToGreenAsync(standard with { Subject = standard.Subject with { RoleTemplateIds = roles }, Request = standard.Request with { Roles = roles } });

        int changed = await this.Jobs().AccessRecheckAsync(default);

        OnboardingRecord after = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        Assert.Equal(0, changed);
        Assert.Equal(Shield.Green, after.Shield);
        Assert.Equal(roles.Order(), after.Subject.Roles.Order());
        Assert.Equal(roles.Select(r => r.ToString()).Order(), (await this.stack.StateAsync())["relationships"]![0]!["roles"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task The_expiry_watch_announces_a_relationship_a_week_from_its_end()
    {
        OnboardingInput weekLong = OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd") with { Request = new OnboardingRequest(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd", DurationDays: 7) };
        string id = await this.OnboardToGreenAsync(weekLong);

        int notices = await this.Jobs(autoExtend: true).ExpiryWatchAsync(default);
        JsonObject state = await this.stack.StateAsync();
        List<JsonObject> published = [];
        await new OutboxDispatcher(Azurite.Tables(), new Collect(published), this.stack.TableName).DispatchAsync(default);

        Assert.Equal(1, notices);
        JsonObject expiring = Assert.Single(published, e => e["type"]!.GetValue<string>() == OutboundEvents.RelationshipExpiring && e["subject"]!.GetValue<string>() == $"onboardings/{id}");
        Assert.Equal(("7", "on"), (expiring["data"]!["daysLeft"]!.GetValue<string>(), expiring["data"]!["autoExtend"]!.GetValue<string>()));
        Assert.Equal("P180D", state["relationships"]![0]!["autoExtendDuration"]!.GetValue<string>());
    }

    sealed class Collect(List<JsonObject> into) : IEventPublisher
    {
        public Task PublishAsync(JsonObject cloudEvent, CancellationToken cancellationToken)
        {
            into.Add(cloudEvent);
            return Task.CompletedTask;
        }
    }
}
