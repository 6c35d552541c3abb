using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Gdap;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>A partner with 1,100 generated customers besides the shipped four, a fifth of them in each story of <see cref="GeneratedSeed.Fleet"/>.</summary>
public sealed class FleetApiStack : PublicApiStack
{
    public const int GeneratedCustomers = 1100;

    public const int AllCustomers = GeneratedCustomers + 4;

    protected override string SeedJson => GeneratedSeed.Fleet(GeneratedCustomers, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]);
}

public sealed class CustomerBookTests(FleetApiStack stack) : IClassFixture<FleetApiStack>
{
    [Fact]
    public async Task An_import_follows_partner_centers_continuation_tokens_to_the_last_page_and_books_every_customer()
    {
        await stack.Sim.DeleteAsync("_sim/stats");

        JsonObject report = await this.ImportAsync();

        JsonObject requests = (await stack.SimStatsAsync())["requests"]!.AsObject();
        int customerPages = requests.Where(r => r.Key.StartsWith("GET ", StringComparison.Ordinal) && r.Key.EndsWith("/v1/customers", StringComparison.Ordinal)).Sum(r => r.Value!.GetValue<int>());
        Assert.Equal((FleetApiStack.AllCustomers, 3, 3), (report["customers"]!.GetValue<int>(), report["partnerCenterPages"]!.GetValue<int>(), customerPages));
        Assert.Equal(FleetApiStack.GeneratedCustomers * 4 / 5, report["relationships"]!.GetValue<int>());
        Assert.Equal(FleetApiStack.AllCustomers, await this.CountAsync("api/customers"));
    }

    [Theory]
    [InlineData(GeneratedSeed.FleetStory.NoRelationship, "needsNewRelationship", "A new relationship is needed: it has no GDAP relationship with this partner.")]
    [InlineData(GeneratedSeed.FleetStory.Covered, "covered", "Relationship 'Managed 0001' (")]
    [InlineData(GeneratedSeed.FleetStory.MicrosoftLed, "needsNewRelationship", "A new relationship is needed: 'MLT_")]
    [InlineData(GeneratedSeed.FleetStory.GlobalAdministratorOnly, "needsNewRelationship", "A new relationship is needed: 'Legacy admin 0003' grants only Global Administrator.")]
    [InlineData(GeneratedSeed.FleetStory.Expiring, "needsNewRelationship", "A new relationship is needed: 'Expiring 0004' ends on ")]
    public async Task Each_customer_is_judged_by_what_its_relationships_grant(GeneratedSeed.FleetStory story, string verdict, string reasonStart)
    {
        await this.ImportAsync();
        int number = story == GeneratedSeed.FleetStory.NoRelationship ? 5 : (int)story;

        JsonObject customer = (await stack.Api.GetFromJsonAsync<JsonObject>($"api/customers/{GeneratedSeed.Customer(number)}"))!;

        Assert.Equal(verdict, customer["verdict"]!.GetValue<string>());
        Assert.StartsWith(reasonStart, customer["verdictReason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"Generated Customer {number:D4}", customer["name"]!.GetValue<string>());
        Assert.Equal(story == GeneratedSeed.FleetStory.MicrosoftLed, customer["relationships"]!.AsArray().Any(r => r!["microsoftLed"]!.GetValue<bool>()));
        Assert.Equal(story == GeneratedSeed.FleetStory.Covered, customer["coveringRelationshipId"] is not null);
    }

    [Fact]
    public async Task The_list_filtered_by_verdict_holds_exactly_the_customers_with_that_verdict_a_page_at_a_time()
    {
        await this.ImportAsync();

        List<JsonObject> covered = await this.ListAllAsync("api/customers?verdict=covered&top=100");

        Assert.Equal(FleetApiStack.GeneratedCustomers / 5, covered.Count);
        Assert.All(covered, c => Assert.Equal("covered", c["verdict"]!.GetValue<string>()));
        Assert.Equal(covered.Count, covered.Select(c => c["tenantId"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task An_organization_mapping_survives_the_next_import_and_filters_the_list()
    {
        await this.ImportAsync();
        Guid customer = GeneratedSeed.Customer(11);

        HttpResponseMessage mapped = await stack.Api.PutAsJsonAsync($"api/customers/{customer}/organization", new { organizationId = "PSA-0011" });
        await this.ImportAsync();

        List<JsonObject> found = await this.ListAllAsync("api/customers?organizationId=PSA-0011");
        Assert.Equal(HttpStatusCode.OK, mapped.StatusCode);
        Assert.Equal([customer.ToString()], found.Select(c => c["tenantId"]!.GetValue<string>()));
        Assert.Equal("PSA-0011", found.Single()["organizationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_onboarding_started_without_an_organization_takes_the_customers_mapping()
    {
        await this.ImportAsync();
        Guid customer = GeneratedSeed.Customer(17);
        await stack.Api.PutAsJsonAsync($"api/customers/{customer}/organization", new { organizationId = "PSA-0017" });

        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = "Generated Customer 0017" });

        JsonObject onboarding = (await started.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("PSA-0017", onboarding["organizationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_bulk_mapping_with_one_bad_line_is_refused_whole_and_maps_nobody()
    {
        await this.ImportAsync();
        Guid known = GeneratedSeed.Customer(12);
        Guid unknown = Guid.NewGuid();

        HttpResponseMessage refused = await stack.Api.PutAsJsonAsync("api/customers/organizations", new object[]
        {
            new { customerTenantId = known, organizationId = "PSA-0012" },
            new { customerTenantId = unknown, organizationId = "PSA-9999" },
        });

        JsonObject problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        JsonObject stillUnmapped = (await stack.Api.GetFromJsonAsync<JsonObject>($"api/customers/{known}"))!;
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal($"Customer {unknown} is not in the customer book: import first (POST /api/customers/import).", problem["errors"]!["[1]"]![0]!.GetValue<string>());
        Assert.Null(stillUnmapped["organizationId"]);
    }

    [Fact]
    public async Task A_bulk_mapping_maps_every_line_and_null_removes_a_mapping()
    {
        await this.ImportAsync();
        Guid first = GeneratedSeed.Customer(13);
        Guid second = GeneratedSeed.Customer(14);
        await stack.Api.PutAsJsonAsync($"api/customers/{second}/organization", new { organizationId = "PSA-OLD" });

        HttpResponseMessage response = await stack.Api.PutAsJsonAsync("api/customers/organizations", new object[]
        {
            new { customerTenantId = first, organizationId = "PSA-0013" },
            new { customerTenantId = second, organizationId = (string?)null },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("PSA-0013", (await stack.Api.GetFromJsonAsync<JsonObject>($"api/customers/{first}"))!["organizationId"]!.GetValue<string>());
        Assert.Null((await stack.Api.GetFromJsonAsync<JsonObject>($"api/customers/{second}"))!["organizationId"]);
    }

    [Theory]
    [InlineData("{\"organizationId\":\"PSA\",\"organisation\":\"typo\"}", "The request body has a field this endpoint does not take; nothing was changed.")]
    [InlineData("{\"organizationId\":\"\"}", "The organization ID cannot be stored; nothing was changed.")]
    public async Task A_mapping_the_api_cannot_store_is_a_400_and_the_customer_keeps_its_mapping(string body, string title)
    {
        await this.ImportAsync();
        Guid customer = GeneratedSeed.Customer(16);
        await stack.Api.PutAsJsonAsync($"api/customers/{customer}/organization", new { organizationId = "PSA-0016" });

        HttpResponseMessage refused = await stack.Api.PutAsync($"api/customers/{customer}/organization", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(title, (await refused.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
        Assert.Equal("PSA-0016", (await stack.Api.GetFromJsonAsync<JsonObject>($"api/customers/{customer}"))!["organizationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_customer_no_import_found_is_a_404_that_says_to_import()
    {
        HttpResponseMessage missing = await stack.Api.GetAsync($"api/customers/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.EndsWith("run POST /api/customers/import, then try again.", (await missing.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_verdict_filter_is_a_400_naming_the_verdicts()
    {
        HttpResponseMessage refused = await stack.Api.GetAsync("api/customers?verdict=adopted");

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("verdict must be one of: covered, needsNewRelationship, onboarding, offboarded.", (await refused.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_import_books_the_roles_each_active_relationships_access_assignments_already_give()
    {
        Guid customer = GeneratedSeed.Customer(21); // covered
        await this.ImportAsync();
        JsonObject before = (await stack.Api.GetFromJsonAsync<JsonObject>($"api/customers/{customer}"))!;
        string covering = before["coveringRelationshipId"]!.GetValue<string>();
        Assert.Empty(before["relationships"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == covering)!["assignedRoles"]!.AsArray());

        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = before["name"]!.GetValue<string>(), adoptRelationshipId = covering });
        Assert.Equal("green", (await stack.FollowAsync(started, d => d["status"]!.GetValue<string>() is "succeeded" or "failed"))["shield"]!.GetValue<string>());
        await this.ImportAsync();

        JsonObject after = (await stack.Api.GetFromJsonAsync<JsonObject>($"api/customers/{customer}"))!;
        Assert.Equal(
            RoleTemplate.Default.Roles.Select(r => r.TemplateId.ToString()).Order(),
            after["relationships"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == covering)!["assignedRoles"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
    }

    async Task<JsonObject> ImportAsync()
    {
        HttpResponseMessage response = await stack.Api.PostAsync("api/customers/import", null);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    async Task<int> CountAsync(string first) => (await this.ListAllAsync(first)).Count;

    async Task<List<JsonObject>> ListAllAsync(string first)
    {
        List<JsonObject> all = [];
        for (string? next = first; next is not null;)
        {
            HttpResponseMessage page = await stack.Api.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            all.AddRange((await page.Content.ReadFromJsonAsync<JsonArray>())!.Select(c => c!.AsObject()));
            next = page.Headers.TryGetValues("Link", out IEnumerable<string>? links) ? links.Single().Split('>')[0].TrimStart('<').TrimStart('/') : null;
        }

        return all;
    }
}
