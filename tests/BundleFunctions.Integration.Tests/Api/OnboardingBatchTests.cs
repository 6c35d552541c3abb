using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.Api;

public sealed class OnboardingBatchTests(FleetApiStack stack) : IClassFixture<FleetApiStack>
{
    [Fact]
    public async Task A_batch_of_covered_customers_adopts_each_relationship_and_every_shield_turns_green_without_a_new_relationship()
    {
        await this.ImportAsync();
        Guid[] covered = [.. new[] { 21, 26, 31, 36, 41 }.Select(GeneratedSeed.Customer)];
        int relationshipsBefore = await this.RelationshipCountAsync();

        HttpResponseMessage submitted = await stack.Api.PostAsJsonAsync("api/onboarding-batches", new { customers = covered.Select(c => new { customerTenantId = c }) });
        JsonObject done = await this.FollowAsync(submitted, b => b["status"]!.GetValue<string>() == "completed" && Count(b, "byShield", "green") == covered.Length);

        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        Assert.Equal((5, 5, 0, 0), (done["total"]!.GetValue<int>(), done["started"]!.GetValue<int>(), done["alreadyHadOnboarding"]!.GetValue<int>(), done["notReached"]!.GetValue<int>()));
        Assert.All(done["customers"]!.AsArray(), c => Assert.NotNull(c!["adopts"]));
        Assert.Equal(relationshipsBefore, await this.RelationshipCountAsync());
    }

    [Fact]
    public async Task The_same_batch_submitted_again_is_the_same_batch_and_starts_nothing_twice()
    {
        await this.ImportAsync();
        object body = new { customers = new[] { 46, 51 }.Select(n => new { customerTenantId = GeneratedSeed.Customer(n) }) };

        HttpResponseMessage first = await stack.Api.PostAsJsonAsync("api/onboarding-batches", body);
        JsonObject done = await this.FollowAsync(first, b => b["status"]!.GetValue<string>() == "completed");
        HttpResponseMessage again = await stack.Api.PostAsJsonAsync("api/onboarding-batches", body);

        JsonObject rejoined = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((2, 0), (rejoined["started"]!.GetValue<int>(), rejoined["alreadyHadOnboarding"]!.GetValue<int>()));
        Assert.Equal(done["id"]!.GetValue<string>(), rejoined["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_customer_that_already_has_an_onboarding_is_left_alone_by_a_batch()
    {
        await this.ImportAsync();
        Guid onboardedAlone = GeneratedSeed.Customer(56);
        (await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = onboardedAlone, customerName = "Generated Customer 0056" })).EnsureSuccessStatusCode();

        HttpResponseMessage submitted = await stack.Api.PostAsJsonAsync("api/onboarding-batches", new { customers = new[] { 56, 61 }.Select(n => new { customerTenantId = GeneratedSeed.Customer(n) }) });
        JsonObject done = await this.FollowAsync(submitted, b => b["status"]!.GetValue<string>() == "completed");

        JsonObject left = done["customers"]!.AsArray().Single(c => c!["customerTenantId"]!.GetValue<string>() == onboardedAlone.ToString())!.AsObject();
        Assert.Equal((1, 1), (done["started"]!.GetValue<int>(), done["alreadyHadOnboarding"]!.GetValue<int>()));
        Assert.Equal("alreadyHadOnboarding", left["outcome"]!.GetValue<string>());
        Assert.EndsWith("; it was left alone.", left["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cancelled_batch_admits_no_more_customers_and_says_how_many_it_did_not_reach()
    {
        await this.ImportAsync();
        Guid[] uncovered = [.. Enumerable.Range(20, 8).Select(k => GeneratedSeed.Customer(k * 5))]; // no relationship: each waits for its customer

        HttpResponseMessage submitted = await stack.Api.PostAsJsonAsync("api/onboarding-batches", new { customers = uncovered.Select(c => new { customerTenantId = c }) });
        HttpResponseMessage cancelled = await stack.Api.PostAsync(submitted.Headers.Location!.OriginalString.TrimStart('/') + "/cancel", null);
        JsonObject done = await this.FollowAsync(submitted, b => b["status"]!.GetValue<string>() == "cancelled");

        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);
        Assert.Equal(8, done["started"]!.GetValue<int>() + done["notReached"]!.GetValue<int>());
        Assert.True(done["notReached"]!.GetValue<int>() >= 5, $"at most the first admission (3) starts before the cancel: {done.ToJsonString()}");
        Assert.Equal(HttpStatusCode.Conflict, (await stack.Api.PostAsync(submitted.Headers.Location!.OriginalString.TrimStart('/') + "/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task Consent_all_refreshes_every_succeeded_onboarding_and_reports_an_incomplete_one_with_its_reason()
    {
        await this.ImportAsync();
        Guid[] green = [GeneratedSeed.Customer(71), GeneratedSeed.Customer(76)];
        Guid waiting = GeneratedSeed.Customer(80); // no relationship: waits for its customer
        HttpResponseMessage batch = await stack.Api.PostAsJsonAsync("api/onboarding-batches", new { customers = green.Append(waiting).Select(c => new { customerTenantId = c }) });
        await this.FollowAsync(batch, b => b["customers"]!.AsArray().Count(c => c!["shield"]?.GetValue<string>() == "green") == 2
            && b["customers"]!.AsArray().Any(c => c!["status"]?.GetValue<string>() == "waitingForCustomer"));

        JsonObject dryRun = await this.ConsentAllAsync(new { });
        JsonObject acted = await this.ConsentAllAsync(new { dryRun = false });

        Assert.All(green, c => Assert.Equal("wouldRefresh", Line(dryRun, c)["outcome"]!.GetValue<string>()));
        Assert.All(green, c => Assert.Equal("refreshStarted", Line(acted, c)["outcome"]!.GetValue<string>()));
        Assert.Equal("notAttempted", Line(acted, waiting)["outcome"]!.GetValue<string>());
        Assert.Equal("Its onboarding is not complete (waitingForCustomer at awaitCustomerApproval): it consents when it gets there.", Line(acted, waiting)["reason"]!.GetValue<string>());
        foreach (Guid customer in green)
        {
            string id = Line(acted, customer)["onboardingId"]!.GetValue<string>();
            JsonArray audit = (await stack.Api.GetFromJsonAsync<JsonArray>($"api/onboardings/{id}/audit"))!;
            Assert.Contains(audit, line => line!["message"]?.GetValue<string>() == "Refresh requested by function key: consent and the access check run again.");
            await this.UntilAsync(async () => (await stack.Api.GetFromJsonAsync<JsonObject>($"api/onboardings/{id}"))!["status"]!.GetValue<string>() == "succeeded");
        }
    }

    [Fact]
    public async Task A_batch_with_a_bad_line_starts_nothing_and_names_the_line()
    {
        await this.ImportAsync();
        Guid good = GeneratedSeed.Customer(66);
        Guid unknown = Guid.NewGuid();

        HttpResponseMessage refused = await stack.Api.PostAsJsonAsync("api/onboarding-batches", new { customers = new[] { new { customerTenantId = good }, new { customerTenantId = unknown } } });

        JsonObject problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal($"Customer {unknown} is not in the customer book: give its customerName, or import first.", problem["errors"]!["customers[1]"]![0]!.GetValue<string>());
        Assert.Empty((await stack.Api.GetFromJsonAsync<JsonArray>($"api/onboardings?customerTenantId={good}"))!);
    }

    [Theory]
    [InlineData("{\"verdict\":\"covered\",\"customers\":[]}", "customers")]
    [InlineData("{\"verdict\":\"onboarding\"}", "verdict")]
    [InlineData("{}", "customers")]
    public async Task A_batch_that_names_neither_customers_nor_a_usable_verdict_is_a_400(string body, string field)
    {
        HttpResponseMessage refused = await stack.Api.PostAsync("api/onboarding-batches", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.NotNull((await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field]);
    }

    static JsonObject Line(JsonObject consentAll, Guid customer) =>
        consentAll["customers"]!.AsArray().Single(c => c!["customerTenantId"]!.GetValue<string>() == customer.ToString())!.AsObject();

    async Task<JsonObject> ConsentAllAsync(object body)
    {
        HttpResponseMessage response = await stack.Api.PostAsJsonAsync("api/onboardings/consent-all", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    async Task UntilAsync(Func<Task<bool>> condition)
    {
        DateTime deadline = DateTime.UtcNow.AddMinutes(3);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Not reached in 3 minutes.");
            await Task.Delay(250);
        }
    }

    static int Count(JsonObject batch, string by, string key) => batch[by]![key]?.GetValue<int>() ?? 0;

    async Task ImportAsync() => (await stack.Api.PostAsync("api/customers/import", null)).EnsureSuccessStatusCode();

    async Task<int> RelationshipCountAsync() => (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!["relationships"]!.AsArray().Count;

    Task<JsonObject> FollowAsync(HttpResponseMessage submitted, Func<JsonObject, bool> until) => stack.FollowAsync(submitted, until);
}
