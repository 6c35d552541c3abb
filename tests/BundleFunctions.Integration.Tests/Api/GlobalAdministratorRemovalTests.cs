using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BundleFunctions.Gdap;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Integration.Tests.Onboarding;
using Microsoft.Graph;
using Microsoft.Graph.Models;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>Bulk removal of Global Administrator over HTTP, against relationships made the way a legacy (DAP-era) setup left them.</summary>
public sealed class GlobalAdministratorRemovalTests(PublicApiStack stack) : IClassFixture<PublicApiStack>
{
    const string Route = "api/relationships/remove-global-administrator";
    static readonly Guid Tailspin = Guid.Parse("c0000003-0000-4000-8000-000000000003");
    static readonly string GlobalAdministrator = RoleCatalog.GlobalAdministrator.TemplateId.ToString();
    static readonly string UserAdministrator = RoleCatalog.BundleRoles.Single(r => r.Name == "User Administrator").TemplateId.ToString();

    /// <summary>An active relationship with Global Administrator and User Administrator, as many migrated partners still have.</summary>
    async Task<string> ActiveRelationshipWithGlobalAdministratorAsync(string name)
    {
        using MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(stack.Simulator));
        GraphServiceClient graph = connection.GraphFor(OnboardingStack.PartnerTenantId);
        DelegatedAdminRelationship created = (await graph.TenantRelationships.DelegatedAdminRelationships.PostAsync(new DelegatedAdminRelationship
        {
            DisplayName = name,
            Duration = TimeSpan.FromDays(730),
            Customer = new DelegatedAdminRelationshipCustomerParticipant { TenantId = Tailspin.ToString() },
            AccessDetails = new DelegatedAdminAccessDetails { UnifiedRoles = [new UnifiedRole { RoleDefinitionId = GlobalAdministrator }, new UnifiedRole { RoleDefinitionId = UserAdministrator }] },
        }))!;
        await new GraphRelationships(connection).LockForApprovalAsync(BundleFunctions.Gdap.RelationshipId.Parse(created.Id!), default);
        (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{created.Id}/approve", new { customerTenantId = Tailspin })).EnsureSuccessStatusCode();
        await this.UntilActiveAsync(created.Id!);
        return created.Id!;
    }

    /// <summary>The roles once Microsoft's long-running removal has run (it changes the roles when it succeeds).</summary>
    async Task<string[]> RolesOnceTheOperationEndsAsync(string relationshipId)
    {
        for (DateTime until = DateTime.UtcNow.AddSeconds(180); ; await Task.Delay(100))
        {
            string[] roles = await this.RolesOfAsync(relationshipId);
            if (!roles.Contains(GlobalAdministrator) || DateTime.UtcNow > until)
            {
                return roles;
            }
        }
    }

    async Task<string[]> RolesOfAsync(string relationshipId)
    {
        JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        return [.. state["relationships"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == relationshipId)!["roles"]!.AsArray().Select(r => r!.GetValue<string>())];
    }

    /// <summary>Starts a real removal run and follows its status URL until it has completed: the run's report.</summary>
    async Task<JsonObject> RemoveAsync(object body, string? refreshToken = null)
    {
        using HttpClient person = refreshToken is null ? null! : SignIn.Client(stack.Api.BaseAddress, await SignIn.PersonTokenAsync(stack.Sim, refreshToken));
        HttpResponseMessage started = await (refreshToken is null ? stack.Admin : person).PostAsJsonAsync(Route, body);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        for (DateTime limit = DateTime.UtcNow.AddSeconds(180); ; await Task.Delay(100))
        {
            JsonObject report = (await stack.Api.GetFromJsonAsync<JsonObject>(started.Headers.Location!.OriginalString.TrimStart('/')))!;
            if (report["status"]!.GetValue<string>() != "running" || DateTime.UtcNow > limit)
            {
                return report;
            }
        }
    }

    static JsonNode ResultFor(JsonObject response, string relationshipId) =>
        response["results"]!.AsArray().Single(r => r!["relationshipId"]!.GetValue<string>() == relationshipId)!;

    [Fact]
    public async Task A_request_for_all_is_a_dry_run_naming_each_active_relationship_with_global_administrator_and_changes_nothing()
    {
        string id = await this.ActiveRelationshipWithGlobalAdministratorAsync("TT-Legacy-1");

        HttpResponseMessage response = await stack.Admin.PostAsJsonAsync(Route, new { all = true });

        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("wouldRemove", "TT-Legacy-1"), (ResultFor(body, id)["outcome"]!.GetValue<string>(), ResultFor(body, id)["displayName"]!.GetValue<string>()));
        Assert.Contains(GlobalAdministrator, await this.RolesOfAsync(id));
    }

    [Fact]
    public async Task Removal_takes_out_global_administrator_and_keeps_every_other_role()
    {
        string id = await this.ActiveRelationshipWithGlobalAdministratorAsync("TT-Legacy-2");

        JsonObject report = await this.RemoveAsync(new { relationshipIds = new[] { id }, dryRun = false });

        Assert.Equal(("completed", 1, 1), (report["status"]!.GetValue<string>(), report["total"]!.GetValue<int>(), report["done"]!.GetValue<int>()));
        Assert.Equal("removalStarted", ResultFor(report, id)["outcome"]!.GetValue<string>());
        Assert.Equal([UserAdministrator], await this.RolesOnceTheOperationEndsAsync(id));
    }

    [Fact]
    public async Task A_relationship_without_global_administrator_or_unknown_to_the_partner_is_reported_as_such()
    {
        string id = await this.ActiveRelationshipWithGlobalAdministratorAsync("TT-Legacy-3");
        await this.RemoveAsync(new { relationshipIds = new[] { id }, dryRun = false });
        await this.RolesOnceTheOperationEndsAsync(id);

        JsonObject body = await this.RemoveAsync(new { relationshipIds = new[] { id, "00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000" }, dryRun = false });
        Assert.Equal("notIncluded", ResultFor(body, id)["outcome"]!.GetValue<string>());
        Assert.Equal("notFound", ResultFor(body, "00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000")["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task Removal_on_an_onboarded_customer_goes_into_its_audit_trail_with_who_asked()
    {
        const string Woodgrove = "c0000004-0000-4000-8000-000000000004";
        string[] roles = [.. RoleCatalog.BundleRoles.Select(r => r.TemplateId.ToString()), GlobalAdministrator];
        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Woodgrove, customerName = "Woodgrove Bank", roles });
        string onboardingId = started.Headers.Location!.OriginalString.Split('/')[^1];
        string relationshipId = await this.RelationshipOfAsync(onboardingId);
        (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{relationshipId}/approve", new { customerTenantId = Woodgrove })).EnsureSuccessStatusCode();
        await this.UntilActiveAsync(relationshipId);

        await this.RemoveAsync(new { relationshipIds = new[] { relationshipId }, dryRun = false }, refreshToken: SignIn.AdministratorPerson);

        IReadOnlyList<BundleFunctions.Onboarding.AuditLine> trail = await stack.Host.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, onboardingId, default);
        Assert.Contains(trail, l => l.Message == "Global Administrator removal started on 'WB-GDAP'." && l.Actor == "admin@contosomsp.onmicrosoft.com");
    }

    async Task<string> RelationshipOfAsync(string onboardingId)
    {
        for (DateTime limit = DateTime.UtcNow.AddSeconds(180); DateTime.UtcNow < limit; await Task.Delay(200))
        {
            JsonObject document = (await stack.Api.GetFromJsonAsync<JsonObject>($"api/onboardings/{onboardingId}"))!;
            if (document["status"]!.GetValue<string>() == "waitingForCustomer")
            {
                return document["relationshipId"]!.GetValue<string>();
            }
        }

        throw new TimeoutException($"{onboardingId} never waited for the customer.");
    }

    async Task UntilActiveAsync(string relationshipId)
    {
        for (DateTime limit = DateTime.UtcNow.AddSeconds(180); DateTime.UtcNow < limit; await Task.Delay(100))
        {
            JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
            if (state["relationships"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == relationshipId)!["status"]!.GetValue<string>() == "active")
            {
                return;
            }
        }

        throw new TimeoutException($"{relationshipId} did not become active.");
    }

    [Fact]
    public async Task Removal_from_a_relationship_nobody_onboarded_here_is_in_the_operations_audit_with_who_asked()
    {
        string id = await this.ActiveRelationshipWithGlobalAdministratorAsync("TT-Legacy-6");

        await this.RemoveAsync(new { relationshipIds = new[] { id }, dryRun = false }, refreshToken: SignIn.AdministratorPerson);

        IReadOnlyList<BundleFunctions.Ports.OperationsAuditEntry> audit = await stack.Host.OperationsAudit.ListAsync(OnboardingStack.PartnerTenantId, 50, default);
        BundleFunctions.Ports.OperationsAuditEntry entry = Assert.Single(audit, e => e.Target == id);
        Assert.Equal(("admin@contosomsp.onmicrosoft.com", "globalAdministrator.removalStarted"), (entry.Actor, entry.Action));
        Assert.StartsWith("TT-Legacy-6", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_goes_on_when_the_caller_disconnects_and_a_second_request_while_it_runs_joins_it()
    {
        string first = await this.ActiveRelationshipWithGlobalAdministratorAsync("TT-Legacy-7");
        string second = await this.ActiveRelationshipWithGlobalAdministratorAsync("TT-Legacy-8");
        object body = new { relationshipIds = new[] { first, second }, dryRun = false };

        HttpResponseMessage started;
        using (HttpClient leaving = SignIn.Client(stack.Api.BaseAddress, await SignIn.SystemTokenAsync(stack.Sim, SignIn.AutomationAdministrator)))
        {
            started = await leaving.PostAsJsonAsync(Route, body);
        }

        HttpResponseMessage again = await stack.Admin.PostAsJsonAsync(Route, new { relationshipIds = new[] { second, first }, dryRun = false });
        JsonObject report = await this.RemoveAsync(body);

        Assert.Equal(started.Headers.Location, again.Headers.Location);
        Assert.Equal(HttpStatusCode.NotFound, (await stack.Api.GetAsync($"{Route}/gar-{Guid.NewGuid():N}-0000000000000000")).StatusCode);
        Assert.Equal(2, report["total"]!.GetValue<int>());
        Assert.Equal([UserAdministrator], await this.RolesOnceTheOperationEndsAsync(first));
        Assert.Equal([UserAdministrator], await this.RolesOnceTheOperationEndsAsync(second));
    }

    [Theory]
    [InlineData("a malformed id", """{"relationshipIds":["not a relationship id"],"dryRun":false}""", "relationshipIds")]
    [InlineData("no target at all", """{}""", "relationshipIds")]
    [InlineData("no target, acting", """{"dryRun":false}""", "relationshipIds")]
    [InlineData("an empty list", """{"relationshipIds":[],"dryRun":false}""", "relationshipIds")]
    [InlineData("both a list and all", """{"relationshipIds":["00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000"],"all":true,"dryRun":false}""", "all")]
    public async Task A_request_that_does_not_name_its_targets_exactly_is_a_400_problem_and_nothing_reaches_microsoft(string why, string body, string field)
    {
        await stack.Sim.DeleteAsync("_sim/stats");

        HttpResponseMessage response = await stack.Admin.PostAsync(Route, new StringContent(body, Encoding.UTF8, "application/json"));

        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, why);
        Assert.NotNull(problem["errors"]![field]);
        Assert.Equal(0, (await stack.SimStatsAsync())["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task More_than_a_hundred_relationship_ids_is_a_400_problem_and_nothing_reaches_microsoft()
    {
        await stack.Sim.DeleteAsync("_sim/stats");
        string[] ids = [.. Enumerable.Range(0, 101).Select(i => $"{Guid.NewGuid()}-{Guid.NewGuid()}")];

        HttpResponseMessage response = await stack.Admin.PostAsJsonAsync(Route, new { relationshipIds = ids, dryRun = false });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, (await stack.SimStatsAsync())["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_misspelt_field_such_as_dry_run_is_a_400_problem_and_removes_nothing()
    {
        string id = await this.ActiveRelationshipWithGlobalAdministratorAsync("TT-Legacy-4");
        await stack.Sim.DeleteAsync("_sim/stats");

        HttpResponseMessage response = await stack.Admin.PostAsync(Route, new StringContent($$"""{"relationshipIds":["{{id}}"],"dry_run":true}""", Encoding.UTF8, "application/json"));

        JsonObject problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((HttpStatusCode.BadRequest, "The request body has a field this endpoint does not take; nothing was changed."), (response.StatusCode, problem["title"]!.GetValue<string>()));
        Assert.Contains("dry_run", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, (await stack.SimStatsAsync())["total"]!.GetValue<int>());
        Assert.Contains(GlobalAdministrator, await this.RolesOfAsync(id));
    }

    [Fact]
    public async Task Naming_a_relationship_without_dry_run_false_only_says_what_would_be_removed()
    {
        string id = await this.ActiveRelationshipWithGlobalAdministratorAsync("TT-Legacy-5");

        HttpResponseMessage response = await stack.Admin.PostAsJsonAsync(Route, new { relationshipIds = new[] { id } });

        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((true, "wouldRemove"), (body["dryRun"]!.GetValue<bool>(), ResultFor(body, id)["outcome"]!.GetValue<string>()));
        Assert.Contains(GlobalAdministrator, await this.RolesOfAsync(id));
    }
}
