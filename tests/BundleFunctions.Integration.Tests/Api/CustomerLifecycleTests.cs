using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Gdap;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>A small book with every kind of existing relationship (<see cref="GeneratedSeed.Fleet"/>): a fifth each.</summary>
public sealed class SmallFleetApiStack : PublicApiStack
{
    protected override string SeedJson => GeneratedSeed.Fleet(20, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]);
}

/// <summary>The end of a relationship's life: migrating a customer off a legacy relationship, and offboarding a customer.</summary>
public sealed class CustomerLifecycleTests(SmallFleetApiStack stack) : IClassFixture<SmallFleetApiStack>
{
    [Fact]
    public async Task A_migration_dry_run_names_the_legacy_relationship_and_the_new_one_and_changes_nothing()
    {
        Guid customer = GeneratedSeed.Customer(3); // Global Administrator only
        JsonArray before = await this.RelationshipsAsync();

        HttpResponseMessage response = await stack.Admin.PostAsJsonAsync($"api/customers/{customer}/migrate", new { });

        JsonObject plan = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonObject replaced = Assert.Single(plan["replaces"]!.AsArray())!.AsObject();
        Assert.Equal(("Legacy admin 0003", "'Legacy admin 0003' grants only Global Administrator"), (replaced["displayName"]!.GetValue<string>(), replaced["why"]!.GetValue<string>()));
        Assert.Equal((730, 12), (plan["newRelationship"]!["durationDays"]!.GetValue<int>(), plan["newRelationship"]!["roles"]!.AsArray().Count));
        Assert.Equal(before.ToJsonString(), (await this.RelationshipsAsync()).ToJsonString());
        Assert.Empty((await stack.Api.GetFromJsonAsync<JsonArray>($"api/onboardings?customerTenantId={customer}"))!);
    }

    [Fact]
    public async Task A_migration_ends_the_legacy_relationship_only_after_the_new_one_is_green()
    {
        Guid customer = GeneratedSeed.Customer(8); // Global Administrator only
        await stack.RegisterWebhookAsync(stack.WebhookUrl, "granular-admin-relationship-approved", "granular-admin-relationship-activated");
        string legacy = (await this.RelationshipsAsync()).Single(r => r!["customerTenantId"]!.GetValue<string>() == customer.ToString())!["id"]!.GetValue<string>();

        HttpResponseMessage started = await stack.Admin.PostAsJsonAsync($"api/customers/{customer}/migrate", new { dryRun = false });
        JsonObject waiting = await this.FollowAsync(started, d => d["status"]!.GetValue<string>() == "waitingForCustomer");
        string statusWhileWaiting = await this.StatusOfAsync(legacy);
        (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{waiting["relationshipId"]}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();
        JsonObject done = await this.FollowAsync(started, d => d["status"]!.GetValue<string>() is "succeeded" or "failed");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("active", statusWhileWaiting);
        Assert.Equal(("succeeded", "green"), (done["status"]!.GetValue<string>(), done["shield"]!.GetValue<string>()));
        Assert.Equal("Replaced relationship(s) ended: 'Legacy admin 0008': termination requested.", Step(done, "endReplacedRelationships")["message"]!.GetValue<string>());
        Assert.Contains(await this.StatusOfAsync(legacy), new[] { "terminationRequested", "terminating", "terminated" });
        Assert.Equal("active", await this.StatusOfAsync(waiting["relationshipId"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_migration_batch_is_a_dry_run_naming_each_customers_legacy_relationships_and_starts_nothing()
    {
        await this.ImportAsync();
        Guid legacyOnly = GeneratedSeed.Customer(13), covered = GeneratedSeed.Customer(1);

        HttpResponseMessage response = await stack.Api.PostAsJsonAsync("api/onboarding-batches", new { customers = new[] { legacyOnly, covered }.Select(c => new { customerTenantId = c }), migrate = true });

        JsonObject plan = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(plan["dryRun"]!.GetValue<bool>());
        JsonObject migrated = plan["customers"]![0]!.AsObject(), adopted = plan["customers"]![1]!.AsObject();
        Assert.Equal(await this.LegacyIdOfAsync(legacyOnly), Assert.Single(migrated["replaces"]!.AsArray())!.GetValue<string>());
        Assert.Null(migrated["adopts"]);
        Assert.Empty(adopted["replaces"]!.AsArray());
        Assert.NotNull(adopted["adopts"]);
        Assert.Empty((await stack.Api.GetFromJsonAsync<JsonArray>($"api/onboardings?customerTenantId={legacyOnly}"))!);
    }

    [Fact]
    public async Task A_migration_batch_starts_onboardings_that_replace_each_customers_legacy_relationship_once_green()
    {
        await this.ImportAsync();
        Guid customer = GeneratedSeed.Customer(18); // Global Administrator only
        string legacy = await this.LegacyIdOfAsync(customer);
        await stack.RegisterWebhookAsync(stack.WebhookUrl, "granular-admin-relationship-approved", "granular-admin-relationship-activated");

        HttpResponseMessage submitted = await stack.Api.PostAsJsonAsync("api/onboarding-batches", new { customers = new[] { new { customerTenantId = customer } }, migrate = true, dryRun = false });
        JsonObject batch = await this.FollowAsync(submitted, b => b["customers"]![0]!["status"]?.GetValue<string>() == "waitingForCustomer");
        string onboarding = batch["customers"]![0]!["onboarding"]!.GetValue<string>().TrimStart('/');
        JsonObject waiting = (await stack.Api.GetFromJsonAsync<JsonObject>(onboarding))!;
        (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{waiting["relationshipId"]}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();
        JsonObject done = await this.FollowAsync(submitted, b => b["customers"]![0]!["shield"]?.GetValue<string>() == "green" && b["customers"]![0]!["status"]?.GetValue<string>() == "succeeded");

        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal(legacy, Assert.Single(done["customers"]![0]!["replaces"]!.AsArray())!.GetValue<string>());
        Assert.Contains(await this.StatusOfAsync(legacy), new[] { "terminationRequested", "terminating", "terminated" });
    }

    [Fact]
    public async Task A_covered_customer_has_nothing_to_migrate()
    {
        HttpResponseMessage refused = await stack.Admin.PostAsJsonAsync($"api/customers/{GeneratedSeed.Customer(1)}/migrate", new { dryRun = false });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Nothing to migrate; nothing was changed.", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_migration_request_with_a_field_it_does_not_take_is_refused()
    {
        HttpResponseMessage refused = await stack.Admin.PostAsJsonAsync($"api/customers/{GeneratedSeed.Customer(13)}/migrate", new { dryRun = false, autoExtend = true });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Empty((await stack.Api.GetFromJsonAsync<JsonArray>($"api/onboardings?customerTenantId={GeneratedSeed.Customer(13)}"))!);
    }

    [Fact]
    public async Task An_offboarding_dry_run_lists_what_would_end_and_changes_nothing()
    {
        Guid customer = GeneratedSeed.Customer(6); // covered
        await this.ImportAsync();
        string before = await this.CustomerStateAsync(customer);

        HttpResponseMessage response = await stack.Admin.PostAsJsonAsync($"api/customers/{customer}/offboard", new { reason = "Contract ended" });

        JsonObject plan = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("terminateRelationships", "wouldRemove"), (plan["mode"]!.GetValue<string>(), plan["consent"]!.GetValue<string>()));
        JsonObject relationship = Assert.Single(plan["relationships"]!.AsArray())!.AsObject();
        Assert.Equal(("Managed 0006", "wouldTerminate"), (relationship["displayName"]!.GetValue<string>(), relationship["outcome"]!.GetValue<string>()));
        Assert.Equal(before, await this.CustomerStateAsync(customer));
        Assert.Equal("covered", (await this.CustomerAsync(customer))["verdict"]!.GetValue<string>());
    }

    [Fact]
    public async Task Offboarding_terminates_the_relationship_removes_the_consent_and_keeps_the_customer_recorded_as_offboarded()
    {
        Guid customer = GeneratedSeed.Customer(11); // covered
        string onboardingId = await this.AdoptToGreenAsync(customer);

        HttpResponseMessage started = await stack.Admin.PostAsJsonAsync($"api/customers/{customer}/offboard", new { dryRun = false, reason = "Contract ended" });
        JsonObject done = await this.FollowAsync(started, d => d["status"]!.GetValue<string>() != "running");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(("completed", "removed"), (done["status"]!.GetValue<string>(), done["consent"]!.GetValue<string>()));
        JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        Assert.Contains(state["relationships"]!.AsArray().Single(r => r!["customerTenantId"]!.GetValue<string>() == customer.ToString())!["status"]!.GetValue<string>(), new[] { "terminationRequested", "terminating", "terminated" });
        Assert.DoesNotContain(state["consents"]!.AsArray(), c => c!["customerTenantId"]!.GetValue<string>() == customer.ToString());
        JsonObject onboarding = (await stack.Api.GetFromJsonAsync<JsonObject>($"api/onboardings/{onboardingId}"))!;
        Assert.Equal(("succeeded", "none"), (onboarding["status"]!.GetValue<string>(), onboarding["shield"]!.GetValue<string>()));
        JsonArray audit = (await stack.Api.GetFromJsonAsync<JsonArray>($"api/onboardings/{onboardingId}/audit"))!;
        Assert.Contains(audit, line => line!["message"]?.GetValue<string>().StartsWith("Offboarded (terminateRelationships). Offboarded: Contract ended. 'Managed 0011': termination requested.", StringComparison.Ordinal) == true);
        JsonObject booked = await this.CustomerAsync(customer);
        Assert.Equal("offboarded", booked["verdict"]!.GetValue<string>());
        await this.ImportAsync();
        Assert.Equal("offboarded", (await this.CustomerAsync(customer))["verdict"]!.GetValue<string>());
        Assert.StartsWith("Offboarded on ", (await this.CustomerAsync(customer))["verdictReason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_access_deletes_every_access_assignment_and_keeps_the_relationship_and_the_consent()
    {
        Guid customer = GeneratedSeed.Customer(16); // covered
        await this.AdoptToGreenAsync(customer);

        HttpResponseMessage started = await stack.Admin.PostAsJsonAsync($"api/customers/{customer}/offboard", new { dryRun = false, mode = "removeAccessAssignments", removeConsent = false });
        JsonObject done = await this.FollowAsync(started, d => d["status"]!.GetValue<string>() != "running");

        Assert.Equal(("completed", "kept"), (done["status"]!.GetValue<string>(), done["consent"]!.GetValue<string>()));
        Assert.StartsWith("12 access assignment(s) deleted; the relationship stays until ", done["relationships"]![0]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        JsonObject relationship = state["relationships"]!.AsArray().Single(r => r!["customerTenantId"]!.GetValue<string>() == customer.ToString())!.AsObject();
        Assert.Equal("active", relationship["status"]!.GetValue<string>());
        Assert.All(relationship["accessAssignments"]!.AsArray(), a => Assert.Contains(a!["status"]!.GetValue<string>(), new[] { "deleting", "deleted" }));
        Assert.Contains(state["consents"]!.AsArray(), c => c!["customerTenantId"]!.GetValue<string>() == customer.ToString());
    }

    [Fact]
    public async Task A_customer_whose_onboarding_runs_cannot_be_offboarded_until_it_is_cancelled()
    {
        Guid customer = GeneratedSeed.Customer(10); // no relationship: its onboarding waits for the customer
        await this.ImportAsync();
        (await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = "Generated Customer 0010" })).EnsureSuccessStatusCode();

        HttpResponseMessage refused = await stack.Admin.PostAsJsonAsync($"api/customers/{customer}/offboard", new { dryRun = false });

        JsonObject problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("This customer's onboarding is still running; nothing was changed.", problem["title"]!.GetValue<string>());
        Assert.StartsWith("Cancel onboarding '", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_offboarding_mode_that_does_not_exist_is_refused()
    {
        await this.ImportAsync();

        HttpResponseMessage refused = await stack.Admin.PostAsJsonAsync($"api/customers/{GeneratedSeed.Customer(19)}/offboard", new { dryRun = false, mode = "deleteEverything" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("'deleteEverything' is not a mode: use terminateRelationships or removeAccessAssignments.", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["mode"]![0]!.GetValue<string>());
    }

    /// <summary>The customer's relationships and consents as Microsoft holds them (other tests' customers move on meanwhile).</summary>
    async Task<string> CustomerStateAsync(Guid customer)
    {
        JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        bool Ours(JsonNode? node) => node!["customerTenantId"]!.GetValue<string>() == customer.ToString();
        return new JsonArray([.. state["relationships"]!.AsArray().Where(Ours).Concat(state["consents"]!.AsArray().Where(Ours)).Select(n => n!.DeepClone())]).ToJsonString();
    }

    async Task ImportAsync()
    {
        HttpResponseMessage imported = await stack.Api.PostAsync("api/customers/import", null);
        Assert.True(imported.IsSuccessStatusCode, $"{imported.StatusCode}: {await imported.Content.ReadAsStringAsync()}\n{stack.Host.Output[^Math.Min(4000, stack.Host.Output.Length)..]}");
    }

    async Task<JsonObject> CustomerAsync(Guid customer) => (await stack.Api.GetFromJsonAsync<JsonObject>($"api/customers/{customer}"))!;

    /// <summary>Adopts the customer's covering relationship and waits for the green shield; returns the onboarding's ID.</summary>
    async Task<string> AdoptToGreenAsync(Guid customer)
    {
        await this.ImportAsync();
        JsonObject booked = await this.CustomerAsync(customer);
        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = booked["name"]!.GetValue<string>(), adoptRelationshipId = booked["coveringRelationshipId"]!.GetValue<string>() });
        JsonObject green = await this.FollowAsync(started, d => d["status"]!.GetValue<string>() is "succeeded" or "failed");
        Assert.Equal("green", green["shield"]!.GetValue<string>());
        return green["id"]!.GetValue<string>();
    }

    static JsonObject Step(JsonObject onboarding, string name) => onboarding["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!.AsObject();

    async Task<string> LegacyIdOfAsync(Guid customer) =>
        (await this.CustomerAsync(customer))["relationships"]!.AsArray().Single(r => r!["holdsGlobalAdministrator"]!.GetValue<bool>())!["id"]!.GetValue<string>();

    async Task<JsonArray> RelationshipsAsync() => (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!["relationships"]!.AsArray();

    async Task<string> StatusOfAsync(string relationshipId) =>
        (await this.RelationshipsAsync()).Single(r => r!["id"]!.GetValue<string>() == relationshipId)!["status"]!.GetValue<string>();

    Task<JsonObject> FollowAsync(HttpResponseMessage submitted, Func<JsonObject, bool> until) => stack.FollowAsync(submitted, until);
}
