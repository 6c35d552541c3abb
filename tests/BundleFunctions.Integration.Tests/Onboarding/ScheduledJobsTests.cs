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

    ScheduledJobs Jobs(bool autoExtend = false, ICustomerAccess? customers = null) => new(
        this.stack.Client,
        this.stack.Store,
        this.stack.Services.GetRequiredService<IGdapRelationships>(),
        customers ?? this.stack.Services.GetRequiredService<ICustomerAccess>(),
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

        int raised = (await this.Jobs().ApprovalSafetyNetAsync(default)).Acted;
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

        int changed = (await this.Jobs().AccessRecheckAsync(default)).Acted;
        int again = (await this.Jobs().AccessRecheckAsync(default)).Acted;

        OnboardingRecord blue = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        Assert.Equal((1, 0), (changed, again));
        Assert.Equal(Shield.Blue, blue.Shield);
        Assert.Contains(await this.stack.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, id, default), l => l.Actor == "daily access recheck" && l.What == "shield Blue");
    }

    [Fact]
    public async Task One_customer_that_cannot_be_rechecked_does_not_stop_the_recheck_of_the_others_and_is_reported()
    {
        string fabrikam = await this.OnboardToGreenAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        string woodgrove = await this.OnboardToGreenAsync(OnboardingStack.InputFor(Guid.Parse("c0000004-0000-4000-8000-000000000004"), "Woodgrove Bank"));
        await this.stack.TerminateAsync((await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, woodgrove, default))!.RelationshipId!);
        UnreachableFor unreachableFabrikam = new(OnboardingStack.Fabrikam, this.stack.Services.GetRequiredService<ICustomerAccess>());

        JobReport report = await this.Jobs(customers: unreachableFabrikam).AccessRecheckAsync(default);

        Assert.Equal(1, report.Acted);
        JobItemFailure failed = Assert.Single(report.Failures);
        Assert.Equal((fabrikam, "The customer's tenant did not answer."), (failed.Item, failed.Reason));
        Assert.Equal(Shield.Blue, (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, woodgrove, default))!.Shield);
        Assert.Equal(Shield.Green, (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, fabrikam, default))!.Shield);
    }

    [Fact]
    public async Task The_daily_recheck_checks_the_roles_the_onboarding_asked_for_and_keeps_a_custom_role_customer_green()
    {
        Guid[] roles = [Gdap.RoleCatalog.ApplicationAdministrator.TemplateId, Gdap.RoleCatalog.PrivilegedRoleAdministrator.TemplateId, Gdap.RoleCatalog.GlobalReader.TemplateId];
        OnboardingInput standard = OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd");
        string id = await this.OnboardToGreenAsync(standard with { Subject = standard.Subject with { RoleTemplateIds = roles }, Request = standard.Request with { Roles = roles } });

        int changed = (await this.Jobs().AccessRecheckAsync(default)).Acted;

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

        int notices = (await this.Jobs(autoExtend: true).ExpiryWatchAsync(default)).Acted;
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

    /// <summary>The production access check, except that one customer's tenant does not answer.</summary>
    sealed class UnreachableFor(Guid customer, ICustomerAccess real) : ICustomerAccess
    {
        public Task<ConsentOutcome> EnsureConsentAsync(Guid customerTenantId, CancellationToken cancellationToken) => real.EnsureConsentAsync(customerTenantId, cancellationToken);

        public Task<AccessReport> ProbeAsync(Guid customerTenantId, IReadOnlyList<Guid> requiredRoleTemplateIds, CancellationToken cancellationToken) =>
            customerTenantId == customer ? throw new HttpRequestException("The customer's tenant did not answer.") : real.ProbeAsync(customerTenantId, requiredRoleTemplateIds, cancellationToken);
    }
}
