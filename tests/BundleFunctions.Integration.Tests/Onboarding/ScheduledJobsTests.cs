using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Api;
using BundleFunctions.Infrastructure.Events;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Integration.Tests.Onboarding;

public sealed class ScheduledJobsTests : IAsyncLifetime
{
    OnboardingStack stack = null!;

    public async Task InitializeAsync() => this.stack = await OnboardingStack.StartAsync();

    public async Task DisposeAsync() => await this.stack.DisposeAsync();

    ScheduledJobs Jobs(bool autoExtend = false, ICustomerAccess? customers = null, IEnterpriseAppAccess? apps = null) => new(
        this.stack.Client,
        this.stack.Store,
        this.stack.Services.GetRequiredService<IGdapRelationships>(),
        customers ?? this.stack.Services.GetRequiredService<ICustomerAccess>(),
        apps ?? this.stack.Services.GetRequiredService<IEnterpriseAppAccess>(),
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
    public async Task The_daily_recheck_of_an_enterprise_app_customer_checks_app_only_access_and_names_a_permission_its_consent_lacks()
    {
        OnboardingInput input = OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd");
        input = input with { Subject = input.Subject with { RoleTemplateIds = null, Path = OnboardingPath.EnterpriseApp }, Request = input.Request with { Path = OnboardingPath.EnterpriseApp } };
        string id = await this.stack.StartAsync(input);
        OnboardingRecord waiting = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);
        await SimulatedAdministrator.AnswerAsync(this.stack.Http, waiting.InvitationUrl!, "approve");
        Assert.Equal(Shield.Green, (await this.stack.WaitForOutcomeAsync(id)).Shield);

        int unchanged = (await this.Jobs(apps: this.NextDaysAppCheck()).AccessRecheckAsync(default)).Acted;
        (await this.stack.Http.PostAsJsonAsync("_sim/apps/b7a1c3e5-3333-4a6b-9c1d-000000000001/grant", new { permission = "Mail.Read" })).EnsureSuccessStatusCode();
        int changed = (await this.Jobs(apps: this.NextDaysAppCheck()).AccessRecheckAsync(default)).Acted;

        OnboardingRecord blue = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        Assert.Equal((0, 1, Shield.Blue), (unchanged, changed, blue.Shield));
        Assert.Contains(
            await this.stack.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, id, default),
            l => l.Actor == "daily access recheck" && l.Message == "Daily recheck: API access no longer works. Missing: The customer's consent lacks the application permission(s) Mail.Read that the app registration asks for: send the customer's Global Administrator the admin-consent link again.");
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

    [Fact]
    public async Task The_expiry_watch_announces_at_30_and_1_days_only_and_never_auto_extends_a_relationship_with_global_administrator()
    {
        Guid woodgrove = Guid.Parse("c0000004-0000-4000-8000-000000000004");
        Guid tailspin = Guid.Parse("c0000003-0000-4000-8000-000000000003");
        Guid[] withGlobalAdministrator = [.. Gdap.RoleTemplate.Default.Roles.Select(r => r.TemplateId), Gdap.RoleCatalog.GlobalAdministrator.TemplateId];
        string month = await this.OnboardToGreenAsync(Lasting(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd", 30, withGlobalAdministrator));
        string day = await this.OnboardToGreenAsync(Lasting(woodgrove, "Woodgrove Bank", 1));
        string tenDays = await this.OnboardToGreenAsync(Lasting(tailspin, "Tailspin Toys", 10));

        JobReport watchedWithoutAutoExtend = await this.Jobs(autoExtend: false).ExpiryWatchAsync(default);
        JsonObject before = await this.stack.StateAsync();
        JobReport watchedWithAutoExtend = await this.Jobs(autoExtend: true).ExpiryWatchAsync(default);
        JsonObject after = await this.stack.StateAsync();
        List<JsonObject> published = [];
        await new OutboxDispatcher(Azurite.Tables(), new Collect(published), this.stack.TableName).DispatchAsync(default);
        string[] Notices(string id) => [.. published
            .Where(e => e["type"]!.GetValue<string>() == OutboundEvents.RelationshipExpiring && e["subject"]!.GetValue<string>() == $"onboardings/{id}")
            .Select(e => $"{e["data"]!["daysLeft"]} {e["data"]!["autoExtend"]}")];
        string AutoExtendOf(JsonObject state, Guid customer) =>
            state["relationships"]!.AsArray().Single(r => r!["customerTenantId"]!.GetValue<Guid>() == customer)!["autoExtendDuration"]!.GetValue<string>();

        Assert.Equal((2, 2), (watchedWithoutAutoExtend.Acted, watchedWithAutoExtend.Acted));
        Assert.Equal(["30 off", "30 off"], Notices(month));
        Assert.Equal(["1 off", "1 on"], Notices(day));
        Assert.Empty(Notices(tenDays));
        Assert.Equal(("PT0S", "PT0S"), (AutoExtendOf(before, OnboardingStack.Fabrikam), AutoExtendOf(after, OnboardingStack.Fabrikam)));
        Assert.Equal(("PT0S", "P180D"), (AutoExtendOf(before, woodgrove), AutoExtendOf(after, woodgrove)));
        Assert.Equal("PT0S", AutoExtendOf(after, tailspin));
    }

    [Fact]
    public async Task The_daily_recheck_turns_a_blue_customer_green_again_once_fixed_and_announces_each_change()
    {
        string id = await this.OnboardToGreenAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        JsonObject policy = (await (await this.stack.Http.PostAsJsonAsync($"_sim/customers/{OnboardingStack.Fabrikam}/conditional-access-policies", new { displayName = "Block everyone outside" })).Content.ReadFromJsonAsync<JsonObject>())!;

        JobReport blue = await this.Jobs(customers: this.NextDaysAccessCheck()).AccessRecheckAsync(default);
        Shield afterBlock = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!.Shield;
        (await this.stack.Http.PostAsync($"_sim/customers/{OnboardingStack.Fabrikam}/conditional-access-policies/{policy["id"]}/exclude-service-providers", null)).EnsureSuccessStatusCode();
        JobReport green = await this.Jobs(customers: this.NextDaysAccessCheck()).AccessRecheckAsync(default);
        OnboardingRecord fixedRecord = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        List<JsonObject> published = [];
        await new OutboxDispatcher(Azurite.Tables(), new Collect(published), this.stack.TableName).DispatchAsync(default);

        Assert.Equal((1, Shield.Blue, 1, Shield.Green), (blue.Acted, afterBlock, green.Acted, fixedRecord.Shield));
        Assert.Equal(
            ["Green to Blue", "Blue to Green"],
            published.Where(e => e["type"]!.GetValue<string>() == OutboundEvents.ShieldChanged && e["subject"]!.GetValue<string>() == $"onboardings/{id}").Select(e => $"{e["data"]!["from"]} to {e["data"]!["to"]}").TakeLast(2));
        Assert.Contains(await this.stack.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, id, default), l => l.Actor == "daily access recheck" && l.Message == "Daily recheck: API access works again.");
    }

    /// <summary>
    /// The access check as it runs a day later: its cached tokens have expired, so it signs in again and meets the customer's
    /// Conditional Access as it is now (Entra evaluates policies at sign-in, not on a token it already issued).
    /// </summary>
    /// <summary>The next day's app-only check: a new connection, so no token from before a change is reused.</summary>
    EnterpriseAppAccess NextDaysAppCheck() => new(new MicrosoftCloudConnection(OnboardingStack.CloudOptions(this.stack.Simulator)));

    CustomerTenantAccess NextDaysAccessCheck() => new(new MicrosoftCloudConnection(OnboardingStack.CloudOptions(this.stack.Simulator)), BundleFunctions.Bundle.BundleConfiguration.Default);

    static OnboardingInput Lasting(Guid customer, string name, int days, Guid[]? roles = null)
    {
        OnboardingInput standard = OnboardingStack.InputFor(customer, name);
        return roles is null
            ? standard with { Request = standard.Request with { DurationDays = days } }
            : standard with { Subject = standard.Subject with { RoleTemplateIds = roles }, Request = standard.Request with { DurationDays = days, Roles = roles } };
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

        public Task<bool> RemoveConsentAsync(Guid customerTenantId, CancellationToken cancellationToken) => real.RemoveConsentAsync(customerTenantId, cancellationToken);

        public Task<AccessReport> ProbeAsync(Guid customerTenantId, IReadOnlyList<Guid> requiredRoleTemplateIds, CancellationToken cancellationToken) =>
            customerTenantId == customer ? throw new HttpRequestException("The customer's tenant did not answer.") : real.ProbeAsync(customerTenantId, requiredRoleTemplateIds, cancellationToken);
    }
}
