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

        HttpResponseMessage response = await stack.Api.PostAsJsonAsync($"api/customers/{customer}/migrate", new { });

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

        HttpResponseMessage started = await stack.Api.PostAsJsonAsync($"api/customers/{customer}/migrate", new { dryRun = false });
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
    public async Task A_covered_customer_has_nothing_to_migrate()
    {
        HttpResponseMessage refused = await stack.Api.PostAsJsonAsync($"api/customers/{GeneratedSeed.Customer(1)}/migrate", new { dryRun = false });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Nothing to migrate; nothing was changed.", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_migration_request_with_a_field_it_does_not_take_is_refused()
    {
        HttpResponseMessage refused = await stack.Api.PostAsJsonAsync($"api/customers/{GeneratedSeed.Customer(13)}/migrate", new { dryRun = false, autoExtend = true });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Empty((await stack.Api.GetFromJsonAsync<JsonArray>($"api/onboardings?customerTenantId={GeneratedSeed.Customer(13)}"))!);
    }

    static JsonObject Step(JsonObject onboarding, string name) => onboarding["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!.AsObject();

    async Task<JsonArray> RelationshipsAsync() => (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!["relationships"]!.AsArray();

    async Task<string> StatusOfAsync(string relationshipId) =>
        (await this.RelationshipsAsync()).Single(r => r!["id"]!.GetValue<string>() == relationshipId)!["status"]!.GetValue<string>();

    async Task<JsonObject> FollowAsync(HttpResponseMessage submitted, Func<JsonObject, bool> until)
    {
        string location = submitted.Headers.Location?.OriginalString.TrimStart('/') ?? throw new InvalidOperationException(await submitted.Content.ReadAsStringAsync());
        DateTime deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            JsonObject document = (await stack.Api.GetFromJsonAsync<JsonObject>(location))!;
            if (until(document))
            {
                return document;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Not reached in 3 minutes: {document.ToJsonString()}");
            await Task.Delay(250);
        }
    }
}
