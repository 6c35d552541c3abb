using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Integration.Tests.Onboarding;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace BundleFunctions.Integration.Tests.Api;

public sealed class PublicApiTests(PublicApiStack stack, ITestOutputHelper output) : IClassFixture<PublicApiStack>
{
    const string Tailspin = "c0000003-0000-4000-8000-000000000003";
    const string Woodgrove = "c0000004-0000-4000-8000-000000000004";
    const string Fabrikam = "c0000001-0000-4000-8000-000000000001";

    static async Task<JsonObject> JsonOf(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    async Task<JsonObject> FollowAsync(Uri location, Func<JsonObject, bool> until, int seconds = 180)
    {
        DateTime limit = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            using HttpResponseMessage response = await stack.Api.GetAsync(location);
            if (!response.IsSuccessStatusCode && DateTime.UtcNow <= limit)
            {
                await Task.Delay(200); // a client polls on through a 5xx (storage overloaded) as through "not yet"
                continue;
            }

            JsonObject document = await JsonOf(response);
            if (until(document) || DateTime.UtcNow > limit)
            {
                return document;
            }

            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task An_onboarding_started_over_http_reaches_green_on_the_signed_webhook_alone()
    {
        await stack.RegisterWebhookAsync(stack.WebhookUrl, "granular-admin-relationship-approved", "granular-admin-relationship-activated");

        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Tailspin, customerName = "Tailspin Toys", organizationId = "PSA-77" });
        JsonObject waiting = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "waitingForCustomer" or "failed");
        DateTimeOffset approvedAt = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/time"))!["now"]!.GetValue<DateTimeOffset>(); // Microsoft's clock, as its timestamps are
        (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{waiting["relationshipId"]}/approve", new { customerTenantId = Tailspin })).EnsureSuccessStatusCode();
        JsonObject done = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "succeeded" or "failed");

        JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        DateTimeOffset firstAssignment = state["relationships"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == waiting["relationshipId"]!.GetValue<string>())!["accessAssignments"]!
            .AsArray().Min(a => a!["createdDateTime"]!.GetValue<DateTimeOffset>());
        output.WriteLine($"Customer approval to first access assignment: {(firstAssignment - approvedAt).TotalSeconds:0.00} s (approval polling was 10 minutes away)");

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal("5", started.Headers.RetryAfter!.ToString());
        Assert.Matches("^/api/onboardings/onb-[0-9a-f]{32}-[0-9a-f]{32}$", started.Headers.Location!.OriginalString);
        Assert.StartsWith("https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/", waiting["invitationUrl"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(("succeeded", "green", "PSA-77"), (done["status"]!.GetValue<string>(), done["shield"]!.GetValue<string>(), done["organizationId"]!.GetValue<string>()));
        Assert.Equal("Approved by the customer (seen by webhook).", done["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "awaitCustomerApproval")!["message"]!.GetValue<string>());
        Assert.InRange((firstAssignment - approvedAt).TotalSeconds, 0, 60);
    }

    [Fact]
    public async Task Refresh_of_an_onboarding_that_succeeded_and_later_turned_blue_turns_it_green_again()
    {
        await stack.RegisterWebhookAsync(stack.WebhookUrl, "granular-admin-relationship-approved", "granular-admin-relationship-activated");
        Guid customer = MicrosoftCloudSimulator.Hosting.GeneratedSeed.Customer(1);
        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = "Generated Customer 0001" });
        Uri location = started.Headers.Location!;
        JsonObject waiting = await this.FollowAsync(location, d => d["status"]!.GetValue<string>() is "waitingForCustomer" or "failed");
        (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{waiting["relationshipId"]}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();
        JsonObject green = await this.FollowAsync(location, d => d["status"]!.GetValue<string>() is "succeeded" or "failed");

        // Later the customer's admin adds a Conditional Access policy that blocks partner sign-ins: the shield is blue.
        JsonObject policy = (await (await stack.Sim.PostAsJsonAsync($"_sim/customers/{customer}/conditional-access-policies", new { displayName = "Block everyone outside" })).Content.ReadFromJsonAsync<JsonObject>())!;
        HttpResponseMessage firstRefresh = await stack.Api.PostAsync(location + "/refresh", null);
        JsonObject blue = await this.FollowAsync(location, d => d["shield"]!.GetValue<string>() == "blue");

        // The admin excludes service provider users; one click on the blue shield turns it green.
        (await stack.Sim.PostAsync($"_sim/customers/{customer}/conditional-access-policies/{policy["id"]}/exclude-service-providers", null)).EnsureSuccessStatusCode();
        HttpResponseMessage secondRefresh = await stack.Api.PostAsync(location + "/refresh", null);
        JsonObject greenAgain = await this.FollowAsync(location, d => d["status"]!.GetValue<string>() == "succeeded" && d["shield"]!.GetValue<string>() == "green");

        Assert.Equal(("succeeded", "green"), (green["status"]!.GetValue<string>(), green["shield"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (firstRefresh.StatusCode, secondRefresh.StatusCode));
        Assert.Contains(blue["steps"]!.AsArray(), s => s!["message"]?.GetValue<string>().Contains("blocked by a Conditional Access policy", StringComparison.Ordinal) == true);
        Assert.Equal(("succeeded", "green"), (greenAgain["status"]!.GetValue<string>(), greenAgain["shield"]!.GetValue<string>()));
        Assert.Equal(1, ((await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!)["relationships"]!.AsArray().Count(r => r!["customerTenantId"]!.GetValue<string>() == customer.ToString()));
    }

    [Fact]
    public async Task A_second_start_for_a_customer_being_onboarded_is_409_with_the_running_id()
    {
        HttpResponseMessage first = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Woodgrove, customerName = "Woodgrove Bank" });
        HttpResponseMessage second = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Woodgrove, customerName = "Woodgrove Bank" });

        JsonObject problem = await JsonOf(second);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType!.MediaType);
        Assert.Equal(first.Headers.Location!.OriginalString.Split('/')[^1], problem["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Starting_again_after_an_onboarding_ended_reports_the_new_run_not_the_old_one()
    {
        HttpResponseMessage first = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Fabrikam, customerName = "Fabrikam Pharma Ltd" });
        await this.FollowAsync(first.Headers.Location!, d => d["status"]!.GetValue<string>() == "waitingForCustomer");
        (await stack.Api.PostAsync(first.Headers.Location + "/cancel", null)).EnsureSuccessStatusCode();
        await this.FollowAsync(first.Headers.Location!, d => d["status"]!.GetValue<string>() == "cancelled");

        // The record says cancelled a moment before the run completes; on a loaded machine that moment can outlast the API's
        // grace, and the start is then a 409 naming the run: start again as a client would.
        HttpResponseMessage again;
        DateTime giveUp = DateTime.UtcNow.AddMinutes(3);
        while ((again = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Fabrikam, customerName = "Fabrikam Pharma Ltd" })).StatusCode == HttpStatusCode.Conflict && DateTime.UtcNow < giveUp)
        {
            await Task.Delay(500);
        }

        JsonObject fresh = await JsonOf(again);
        JsonObject running = await this.FollowAsync(again.Headers.Location!, d => d["status"]!.GetValue<string>() == "waitingForCustomer");

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal("queued", fresh["status"]!.GetValue<string>());
        Assert.Equal(1, running["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "validate")!["attempts"]!.GetValue<int>());
        (await stack.Api.PostAsync(again.Headers.Location + "/cancel", null)).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_start_while_the_record_says_ended_but_the_run_is_still_live_waits_the_grace_then_answers_409()
    {
        const string Northwind = "c0000002-0000-4000-8000-000000000002";
        HttpResponseMessage first = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Northwind, customerName = "Northwind Traders" });
        Assert.True(first.StatusCode == HttpStatusCode.Accepted, $"{(int)first.StatusCode}: {await first.Content.ReadAsStringAsync()}\n{stack.Host.Output}");
        await this.FollowAsync(first.Headers.Location!, d => d["status"]!.GetValue<string>() == "waitingForCustomer");
        string id = first.Headers.Location!.OriginalString.Split('/')[^1];
        OnboardingSubject subject = new(id, Onboarding.OnboardingStack.PartnerTenantId, Guid.Parse(Northwind), "Northwind Traders", null);
        await stack.Host.Store.ApplyAsync(new ProgressUpdate(subject, Status: OnboardingStatus.Cancelled, Actor: "test"), DateTimeOffset.UtcNow, default);

        System.Diagnostics.Stopwatch asked = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage again = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Northwind, customerName = "Northwind Traders" });

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.True(asked.Elapsed >= TimeSpan.FromSeconds(2.9), $"answered after {asked.Elapsed.TotalSeconds:0.00} s, before the 3 s grace");
        (await stack.Api.PostAsync(first.Headers.Location + "/cancel", null)).EnsureSuccessStatusCode();
    }

    public static TheoryData<string, string, string> InvalidStarts() => new()
    {
        { "bad tenant id", $$"""{"customerTenantId":"not-a-guid","customerName":"X"}""", "customerTenantId" },
        { "name over 50", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","relationshipName":"{{new string('n', 51)}}"}""", "relationshipName" },
        { "duration 0", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","durationDays":0}""", "durationDays" },
        { "duration 731", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","durationDays":731}""", "durationDays" },
        { "GA with auto-extend", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","autoExtend":true,"roles":["62e90394-69f5-4237-9190-012177145e10"]}""", "autoExtend" },
        { "unknown role", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","roles":["11111111-2222-3333-4444-555555555555"]}""", "roles" },
        { "duration beyond what a TimeSpan holds", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","durationDays":2147483647}""", "durationDays" },
        { "duration most negative", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","durationDays":-2147483648}""", "durationDays" },
        { "101 roles", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","roles":[{{string.Join(',', Enumerable.Repeat("\"62e90394-69f5-4237-9190-012177145e10\"", 101))}}]}""", "roles" },
        { "bidi override in the customer name", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"Contoso\u202Egnp.exe"}""", "customerName" },
        { "zero-width space in the relationship name", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","relationshipName":"X\u200B-GDAP"}""", "relationshipName" },
        { "line separator in the organization id", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","organizationId":"PSA\u2028-42"}""", "organizationId" },
        { "unknown field", $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"X","duration_days":30}""", string.Empty },
    };

    [Theory]
    [MemberData(nameof(InvalidStarts))]
    public async Task An_invalid_start_is_a_400_problem_naming_the_field_and_nothing_reaches_microsoft(string why, string body, string field)
    {
        await stack.Sim.DeleteAsync("_sim/stats");

        HttpResponseMessage response = await stack.Api.PostAsync("api/onboardings", new StringContent(body, Encoding.UTF8, "application/json"));

        JsonObject problem = await JsonOf(response);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, why);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.True(field.Length == 0 ? problem["detail"]!.GetValue<string>().Contains("duration_days", StringComparison.Ordinal) : problem["errors"]![field] is not null, why);
        Assert.Equal(0, (await stack.SimStatsAsync())["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Every_violation_is_reported_at_once()
    {
        HttpResponseMessage response = await stack.Api.PostAsync("api/onboardings", new StringContent(
            $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"","durationDays":0,"relationshipName":"{{new string('n', 51)}}"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(["customerName", "durationDays", "relationshipName"], (await JsonOf(response))["errors"]!.AsObject().Select(e => e.Key).Order());
    }

    [Theory]
    [InlineData("{not json", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    public async Task A_malformed_body_is_a_400_problem(string body, HttpStatusCode expected)
    {
        await stack.Sim.DeleteAsync("_sim/stats");

        HttpResponseMessage response = await stack.Api.PostAsync("api/onboardings", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(0, (await stack.SimStatsAsync())["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_oversized_body_is_refused_with_413()
    {
        string huge = $$"""{"customerTenantId":"{{Fabrikam}}","customerName":"{{new string('x', 70_000)}}"}""";

        HttpResponseMessage response = await stack.Api.PostAsync("api/onboardings", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-key")]
    public async Task A_missing_or_wrong_key_is_401(string? key)
    {
        using HttpClient anonymous = new() { BaseAddress = stack.Api.BaseAddress };
        if (key is not null)
        {
            anonymous.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        HttpResponseMessage start = await anonymous.PostAsJsonAsync("api/onboardings", new { customerTenantId = Fabrikam, customerName = "Fabrikam" });
        HttpResponseMessage list = await anonymous.GetAsync("api/onboardings");

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (start.StatusCode, list.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("api/health")).StatusCode);
    }

    [Fact]
    public async Task A_key_in_the_query_string_is_refused_like_no_key()
    {
        using HttpClient anonymous = new() { BaseAddress = stack.Api.BaseAddress };

        HttpResponseMessage list = await anonymous.GetAsync($"api/onboardings?code={PublicApiStack.FunctionKey}");

        Assert.Equal(HttpStatusCode.Unauthorized, list.StatusCode);
    }

    [Fact]
    public async Task The_durable_sidecar_port_serves_no_api_and_the_api_port_no_sidecar()
    {
        using HttpClient http2 = new();
        using HttpRequestMessage onSidecar = new(HttpMethod.Get, $"http://127.0.0.1:{stack.Host.SidecarPort}/api/onboardings") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        onSidecar.Headers.Add("x-functions-key", PublicApiStack.FunctionKey);
        using HttpRequestMessage grpcOnApi = new(HttpMethod.Post, $"http://127.0.0.1:{stack.Host.ApiPort}/TaskHubSidecarService/Hello") { Content = new ByteArrayContent([0, 0, 0, 0, 0]) };
        grpcOnApi.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");

        HttpResponseMessage api = await http2.SendAsync(onSidecar);
        HttpResponseMessage grpc = await stack.Api.SendAsync(grpcOnApi);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (api.StatusCode, grpc.StatusCode));
    }

    [Fact]
    public async Task An_unknown_onboarding_is_404_and_an_unknown_status_filter_is_400()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await stack.Api.GetAsync($"api/onboardings/onb-{Guid.NewGuid():N}-{Guid.NewGuid():N}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stack.Api.PostAsync($"api/onboardings/onb-{Guid.NewGuid():N}-{Guid.NewGuid():N}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await stack.Api.GetAsync("api/onboardings?status=sleeping")).StatusCode);
    }

    [Theory]
    [InlineData("top=0")]
    [InlineData("top=101")]
    [InlineData("top=-1")]
    [InlineData("top=ten")]
    [InlineData("continuationToken=not*base64url")]
    public async Task A_page_size_outside_1_to_100_or_a_token_the_api_did_not_issue_is_400(string query)
    {
        HttpResponseMessage response = await stack.Api.GetAsync($"api/onboardings?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task The_list_pages_through_every_onboarding_once_following_the_link_header()
    {
        // Customers of their own (unknown to Microsoft: they may fail; listed all the same), so no other specification meets them.
        string[] started = [.. await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Guid.NewGuid().ToString()).Select(async customer =>
        {
            HttpResponseMessage response = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = "Paged " + customer[..8] });
            return (response.Headers.Location?.OriginalString ?? (await JsonOf(response))["id"]!.GetValue<string>()).Split('/')[^1];
        }))];
        await Task.WhenAll(started.Select(id => this.FollowAsync(new Uri($"api/onboardings/{id}", UriKind.Relative), d => d["status"]!.GetValue<string>() != "queued")));

        List<string> seen = [];
        List<int> sizes = [];
        for (string? next = "api/onboardings?top=1"; next is not null;)
        {
            HttpResponseMessage page = await stack.Api.GetAsync(next);
            JsonArray documents = (await page.Content.ReadFromJsonAsync<JsonArray>())!;
            sizes.Add(documents.Count);
            seen.AddRange(documents.Select(d => d!["id"]!.GetValue<string>()));
            next = page.Headers.TryGetValues("Link", out IEnumerable<string>? links) ? links.Single().Split('>')[0].TrimStart('<').TrimStart('/') : null;
        }

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Superset(started.ToHashSet(), seen.ToHashSet());
        Assert.All(sizes, size => Assert.InRange(size, 0, 1));
        Assert.True(sizes.Count >= seen.Count, "one onboarding per page");
    }

    [Fact]
    public async Task Every_documented_operation_answers_only_the_statuses_it_documents_and_each_problem_is_rfc_7807()
    {
        JsonObject document = (await stack.Api.GetFromJsonAsync<JsonObject>("api/openapi.json"))!;
        string unknown = $"onb-{Guid.NewGuid():N}-{Guid.NewGuid():N}";
        using HttpClient keyless = new() { BaseAddress = stack.Api.BaseAddress };
        List<string> answers = [];

        foreach ((string path, JsonNode? operations) in document["paths"]!.AsObject())
        {
            foreach ((string method, JsonNode? operation) in operations!.AsObject())
            {
                string[] documented = [.. operation!["responses"]!.AsObject().Select(r => r.Key)];
                bool keyed = operation["security"] is not null;
                string route = path.TrimStart('/').Replace("{id}", unknown, StringComparison.Ordinal);
                foreach ((HttpClient client, string who) in keyed ? [(keyless, "without key"), (stack.Api, "with key")] : new[] { (stack.Api, "with key") })
                {
                    using HttpRequestMessage request = new(new HttpMethod(method.ToUpperInvariant()), route);
                    if (method == "post")
                    {
                        request.Content = new StringContent("{}", Encoding.UTF8, "application/json"); // the emptiest body: a 4xx where fields are required
                    }

                    using HttpResponseMessage response = await client.SendAsync(request);
                    string status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    answers.Add($"{method.ToUpperInvariant()} {path} {who}: {status}");
                    Assert.True(documented.Contains(status), $"{method} {path} {who} answered {status}, documented: {string.Join(", ", documented)}");
                    string expectedType = operation["responses"]![status]?["content"]?["text/html"] is not null ? "text/html" : "application/problem+json";
                    Assert.True(status[0] is '2' || response.Content.Headers.ContentType?.MediaType == expectedType, $"{method} {path} {who}: {status} not {expectedType}");
                    Assert.True(who == "with key" || status == "401", $"{method} {path} answered {status} without the function key");
                }
            }
        }

        output.WriteLine(string.Join("\n", answers));
        Assert.Equal(26, document["paths"]!.AsObject().Count);
    }

    [Fact]
    public async Task The_registration_endpoint_registers_this_deployments_receiver_and_a_rerun_only_updates_it()
    {
        HttpResponseMessage first = await stack.Admin.PostAsJsonAsync("api/webhooks/partner-center/registration", new { replace = true });
        HttpResponseMessage again = await stack.Admin.PostAsJsonAsync("api/webhooks/partner-center/registration", new { webhookUrl = stack.WebhookUrl });

        JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        Assert.Equal((HttpStatusCode.OK, "updated"), (again.StatusCode, (await JsonOf(again))["result"]!.GetValue<string>()));
        Assert.Equal(stack.WebhookUrl.AbsoluteUri, state["webhook"]!["webhookUrl"]!.GetValue<string>());
        Assert.Contains("granular-admin-relationship-approved", state["webhook"]!["webhookEvents"]!.AsArray().Select(e => e!.GetValue<string>()));
    }

    [Theory]
    [InlineData("ftp://nowhere/api/webhooks/partner-center")]
    [InlineData("https://attacker.example/api/webhooks/partner-center")]
    [InlineData("http://127.0.0.1:1/api/webhooks/partner-center")]
    [InlineData("not a url")]
    public async Task Any_url_but_this_deployments_receiver_is_a_400_and_the_registration_is_unchanged(string url)
    {
        await stack.RegisterWebhookAsync(new Uri("https://127.0.0.1:1/other-tool/hooks/pc"), "granular-admin-relationship-approved"); // another tool's receiver (nothing listens there)

        HttpResponseMessage response = await stack.Admin.PostAsJsonAsync("api/webhooks/partner-center/registration", new { webhookUrl = url, replace = true });

        JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("https://127.0.0.1:1/other-tool/hooks/pc", state["webhook"]!["webhookUrl"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_tools_registration_is_kept_unless_replace_is_sent_and_replacing_it_is_audited_with_who_asked()
    {
        await stack.RegisterWebhookAsync(new Uri("https://127.0.0.1:1/other-tool/hooks/pc"), "granular-admin-relationship-approved"); // another tool's receiver (nothing listens there)

        HttpResponseMessage kept = await stack.Admin.PostAsJsonAsync("api/webhooks/partner-center/registration", new { });
        string stillThere = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!["webhook"]!["webhookUrl"]!.GetValue<string>();
        using HttpClient ada = SignIn.Client(stack.Api.BaseAddress, await SignIn.PersonTokenAsync(stack.Sim, SignIn.AdministratorPerson));
        HttpResponseMessage replaced = await ada.PostAsJsonAsync("api/webhooks/partner-center/registration", new { replace = true });

        JsonObject problem = await JsonOf(kept);
        Assert.Equal((HttpStatusCode.Conflict, "https://127.0.0.1:1/other-tool/hooks/pc"), (kept.StatusCode, problem["registeredUrl"]!.GetValue<string>()));
        Assert.Equal("Another webhook URL is registered with Partner Center; it was left as it is.", problem["title"]!.GetValue<string>());
        Assert.Equal("https://127.0.0.1:1/other-tool/hooks/pc", stillThere);
        Assert.Equal((HttpStatusCode.OK, "replaced"), (replaced.StatusCode, (await JsonOf(replaced))["result"]!.GetValue<string>()));
        Assert.Equal(stack.WebhookUrl.AbsoluteUri, (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!["webhook"]!["webhookUrl"]!.GetValue<string>());
        BundleFunctions.Ports.OperationsAuditEntry entry = (await stack.Host.OperationsAudit.ListAsync(Onboarding.OnboardingStack.PartnerTenantId, 1, default)).Single();
        Assert.Equal(("admin@contosomsp.onmicrosoft.com", "webhookRegistration.replaced", stack.WebhookUrl.AbsoluteUri, "replaced https://127.0.0.1:1/other-tool/hooks/pc"), (entry.Actor, entry.Action, entry.Target, entry.Detail));
    }

    [Fact]
    public async Task Forged_tampered_and_foreign_certificate_approvals_leave_the_waiting_onboarding_unchanged_and_a_replay_is_a_duplicate()
    {
        // The customer approves while Partner Center's signed event goes to a capture, not to our receiver: the onboarding
        // (approval polling 10 minutes away) can learn of the approval only from a delivery we make.
        Guid customer = MicrosoftCloudSimulator.Hosting.GeneratedSeed.Customer(2);
        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = "Generated Customer 0002" });
        JsonObject waiting = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "waitingForCustomer" or "failed");
        string relationshipId = waiting["relationshipId"]!.GetValue<string>();
        ReceivedWebhook genuine = await this.CaptureGenuineDeliveryAsync(
            async () => (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{relationshipId}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode(),
            "granular-admin-relationship-approved");
        await stack.RegisterWebhookAsync(stack.WebhookUrl, "granular-admin-relationship-approved");
        string onboardingId = waiting["id"]!.GetValue<string>();
        int auditBefore = (await stack.Host.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, onboardingId, default)).Count;

        byte[] tampered = [.. genuine.Body];
        tampered[^5] ^= 1;
        HttpStatusCode tamperedStatus = await this.DeliverAsync(tampered, genuine.Headers);
        HttpStatusCode unsigned = await this.DeliverAsync(genuine.Body, genuine.Headers.Where(h => h.Key != "Authorization").ToDictionary());
        HttpStatusCode forged = await this.DeliverAsync(genuine.Body, new Dictionary<string, string>(genuine.Headers) { ["Authorization"] = "Signature " + Convert.ToBase64String(new byte[256]) });
        HttpStatusCode foreignHost = await this.DeliverAsync(genuine.Body, new Dictionary<string, string>(genuine.Headers) { ["X-MS-Certificate-Url"] = "https://evil.example/cert/pcnotifications.cer" });
        HttpStatusCode plainHttp = await this.DeliverAsync(genuine.Body, new Dictionary<string, string>(genuine.Headers) { ["X-MS-Certificate-Url"] = genuine.Headers["X-MS-Certificate-Url"].Replace("https://", "http://", StringComparison.Ordinal) });
        JsonObject afterForgeries = await JsonOf(await stack.Api.GetAsync(started.Headers.Location));
        int auditAfterForgeries = (await stack.Host.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, onboardingId, default)).Count;

        HttpStatusCode first = await this.DeliverAsync(genuine.Body, genuine.Headers);
        JsonObject replay = await JsonOf(await this.SendAsync(genuine.Body, genuine.Headers));
        JsonObject done = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "succeeded" or "failed");

        Assert.Equal(
            (HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized),
            (tamperedStatus, unsigned, forged, foreignHost, plainHttp));
        Assert.Equal(waiting["steps"]!.ToJsonString(), afterForgeries["steps"]!.ToJsonString());
        Assert.Equal(("waitingForCustomer", auditBefore), (afterForgeries["status"]!.GetValue<string>(), auditAfterForgeries));
        Assert.Equal((HttpStatusCode.OK, "duplicate"), (first, replay["status"]!.GetValue<string>()));
        Assert.Equal(("succeeded", "Approved by the customer (seen by webhook)."), (done["status"]!.GetValue<string>(), done["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "awaitCustomerApproval")!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_signed_termination_in_the_x_ms_signature_header_turns_the_green_customer_blue_naming_the_fix()
    {
        Guid customer = MicrosoftCloudSimulator.Hosting.GeneratedSeed.Customer(3);
        (Uri location, string relationshipId) = await this.OnboardToGreenAsync(customer);
        ReceivedWebhook terminated = await this.CaptureGenuineDeliveryAsync(() => this.TerminateAsync(relationshipId), "granular-admin-relationship-terminated");
        Dictionary<string, string> signedInXmsSignature = new(terminated.Headers.Where(h => h.Key != "Authorization")) { ["x-ms-signature"] = terminated.Headers["Authorization"] };

        HttpResponseMessage delivered = await this.SendAsync(terminated.Body, signedInXmsSignature);
        JsonObject blue = await JsonOf(await stack.Api.GetAsync(location));

        Assert.Equal(HttpStatusCode.OK, delivered.StatusCode);
        Assert.Equal($"shield blue on {blue["id"]}: relationship terminated", (await JsonOf(delivered))["status"]!.GetValue<string>());
        Assert.Equal(("succeeded", "blue"), (blue["status"]!.GetValue<string>(), blue["shield"]!.GetValue<string>()));
        IReadOnlyList<AuditLine> audit = await stack.Host.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, blue["id"]!.GetValue<string>(), default);
        Assert.Contains(audit, l => l.Actor == "Partner Center" && l.Message == $"The GDAP relationship {relationshipId} was terminated: access through it has ended. Start a new onboarding to restore it.");
    }

    [Fact]
    public async Task A_signed_expiry_turns_the_green_customer_blue_naming_the_fix()
    {
        Guid customer = MicrosoftCloudSimulator.Hosting.GeneratedSeed.Customer(7);
        (Uri location, string relationshipId) = await this.OnboardToGreenAsync(customer, durationDays: 1);
        ReceivedWebhook expired = await this.CaptureGenuineDeliveryAsync(
            async () => (await stack.Sim.PostAsJsonAsync("_sim/time/advance", new { by = "2.00:00:00" })).EnsureSuccessStatusCode(), // past its end: Microsoft expires it
            "granular-admin-relationship-expired");

        HttpResponseMessage delivered = await this.SendAsync(expired.Body, expired.Headers);
        JsonObject blue = await JsonOf(await stack.Api.GetAsync(location));

        Assert.Equal((HttpStatusCode.OK, $"shield blue on {blue["id"]}: relationship expired"), (delivered.StatusCode, (await JsonOf(delivered))["status"]!.GetValue<string>()));
        Assert.Equal("blue", blue["shield"]!.GetValue<string>());
        Assert.Contains(
            await stack.Host.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, blue["id"]!.GetValue<string>(), default),
            l => l.Message == $"The GDAP relationship {relationshipId} was expired: access through it has ended. Start a new onboarding to restore it.");
    }

    [Fact]
    public async Task An_event_for_a_relationship_no_onboarding_owns_is_answered_200_recorded_and_a_redelivery_is_a_duplicate()
    {
        // A relationship made in Partner Center by hand: no onboarding here knows it.
        Guid customer = MicrosoftCloudSimulator.Hosting.GeneratedSeed.Customer(4);
        using MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(stack.Simulator));
        GraphRelationships relationships = new(connection);
        RelationshipSnapshot made = (await relationships.CreateAsync(new OnboardingRequest(customer, "Generated Customer 0004", RelationshipName: "made-by-hand").ToRelationshipRequest(), default))!;
        await relationships.LockForApprovalAsync(BundleFunctions.Gdap.RelationshipId.Parse(made.Id), default);
        ReceivedWebhook approved = await this.CaptureGenuineDeliveryAsync(
            async () => (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{made.Id}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode(),
            "granular-admin-relationship-approved");
        string listedBefore = await stack.Api.GetStringAsync("api/onboardings?top=100");

        HttpResponseMessage first = await this.SendAsync(approved.Body, approved.Headers);
        HttpResponseMessage again = await this.SendAsync(approved.Body, approved.Headers);

        Assert.Equal((HttpStatusCode.OK, "unknown relationship"), (first.StatusCode, (await JsonOf(first))["status"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.OK, "duplicate"), (again.StatusCode, (await JsonOf(again))["status"]!.GetValue<string>()));
        Assert.Equal(listedBefore, await stack.Api.GetStringAsync("api/onboardings?top=100"));
    }

    [Fact]
    public async Task An_event_for_a_relationship_no_onboarding_recorded_is_routed_to_its_customers_onboarding()
    {
        // The customer's onboarding waits for its relationship; an approval arrives for another relationship of the same
        // customer that no onboarding recorded (as when a customer approves between the lock and the step's end).
        Guid customer = MicrosoftCloudSimulator.Hosting.GeneratedSeed.Customer(8);
        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = "Generated Customer 0008" });
        JsonObject waiting = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "waitingForCustomer" or "failed");
        using MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(stack.Simulator));
        GraphRelationships relationships = new(connection);
        RelationshipSnapshot made = (await relationships.CreateAsync(new OnboardingRequest(customer, "Generated Customer 0008", RelationshipName: "unrecorded-0008").ToRelationshipRequest(), default))!;
        await relationships.LockForApprovalAsync(BundleFunctions.Gdap.RelationshipId.Parse(made.Id), default);
        ReceivedWebhook approved = await this.CaptureGenuineDeliveryAsync(
            async () => (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{made.Id}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode(),
            "granular-admin-relationship-approved");

        HttpResponseMessage routed = await this.SendAsync(approved.Body, approved.Headers);

        // The onboarding takes only its own relationship's approval (CustomerApprovalWait), so routing by customer is safe.
        Assert.Equal((HttpStatusCode.OK, $"raised RelationshipApproved on {waiting["id"]}"), (routed.StatusCode, (await JsonOf(routed))["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_failed_onboarding_is_found_by_its_status_and_customer_and_a_retry_over_http_after_the_fix_turns_it_green()
    {
        Guid customer = MicrosoftCloudSimulator.Hosting.GeneratedSeed.Customer(5);
        JsonObject policy = (await (await stack.Sim.PostAsJsonAsync($"_sim/customers/{customer}/conditional-access-policies", new { displayName = "Block everyone outside" })).Content.ReadFromJsonAsync<JsonObject>())!;
        await stack.RegisterWebhookAsync(stack.WebhookUrl, "granular-admin-relationship-approved");
        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = "Generated Customer 0005" });
        JsonObject waiting = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "waitingForCustomer" or "failed");
        (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{waiting["relationshipId"]}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();
        JsonObject failed = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "failed" or "succeeded");
        string id = failed["id"]!.GetValue<string>();

        string[] failedOfCustomer = await this.ListedIdsAsync($"api/onboardings?status=failed&customerTenantId={customer}");
        string[] succeededOfCustomer = await this.ListedIdsAsync($"api/onboardings?status=succeeded&customerTenantId={customer}");
        string[] failedOfAnother = await this.ListedIdsAsync($"api/onboardings?status=failed&customerTenantId={MicrosoftCloudSimulator.Hosting.GeneratedSeed.Customer(4)}");
        (await stack.Sim.PostAsync($"_sim/customers/{customer}/conditional-access-policies/{policy["id"]}/exclude-service-providers", null)).EnsureSuccessStatusCode();
        using HttpClient oscar = SignIn.Client(stack.Api.BaseAddress, await SignIn.PersonTokenAsync(stack.Sim, SignIn.OperatorPerson));
        HttpResponseMessage retried = await oscar.PostAsync(started.Headers.Location + "/retry", null);
        JsonObject green = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "succeeded" && d["shield"]!.GetValue<string>() == "green");

        Assert.Equal(("failed", "blue", "consentApplication"), (failed["status"]!.GetValue<string>(), failed["shield"]!.GetValue<string>(), failed["currentStep"]!.GetValue<string>()));
        Assert.Equal([id], failedOfCustomer);
        Assert.Empty(succeededOfCustomer);
        Assert.Empty(failedOfAnother);
        Assert.Equal(HttpStatusCode.Accepted, retried.StatusCode);
        Assert.Equal([id], await this.ListedIdsAsync($"api/onboardings?status=succeeded&customerTenantId={customer}"));
        Assert.Empty(await this.ListedIdsAsync($"api/onboardings?status=failed&customerTenantId={customer}"));
        Assert.Equal(2, green["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "consentApplication")!["attempts"]!.GetValue<int>());
        Assert.Contains(
            await stack.Host.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, id, default),
            l => l.Actor == "operator@contosomsp.onmicrosoft.com" && l.Message == "Retry from ConsentApplication requested by operator@contosomsp.onmicrosoft.com.");
    }

    [Fact]
    public async Task The_audit_trail_over_http_comes_oldest_first_a_page_at_a_time_and_says_who_caused_each_change()
    {
        Guid customer = MicrosoftCloudSimulator.Hosting.GeneratedSeed.Customer(6);
        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = "Generated Customer 0006" });
        JsonObject waiting = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "waitingForCustomer" or "failed");
        using HttpClient oscar = SignIn.Client(stack.Api.BaseAddress, await SignIn.PersonTokenAsync(stack.Sim, SignIn.OperatorPerson));
        (await oscar.PostAsync(started.Headers.Location + "/cancel", null)).EnsureSuccessStatusCode();
        await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() == "cancelled");
        string audit = $"api/onboardings/{waiting["id"]}/audit";

        JsonArray whole = (await stack.Api.GetFromJsonAsync<JsonArray>(audit))!;
        List<JsonNode?> paged = [];
        int pages = 0;
        for (Uri? next = new(audit + "?top=2", UriKind.Relative); next is not null; pages++)
        {
            HttpResponseMessage page = await stack.Api.GetAsync(next);
            paged.AddRange((await page.Content.ReadFromJsonAsync<JsonArray>())!.Select(l => l?.DeepClone()));
            next = page.Headers.TryGetValues("Link", out IEnumerable<string>? link) ? new Uri(link.Single().Split('<', '>')[1], UriKind.RelativeOrAbsolute) : null;
        }

        HttpResponseMessage foreignToken = await stack.Api.GetAsync(audit + "?continuationToken=" + Convert.ToBase64String("999"u8.ToArray()));
        HttpResponseMessage unknown = await stack.Api.GetAsync($"api/onboardings/onb-{Guid.NewGuid():N}/audit");

        string[] times = [.. whole.Select(l => l!["at"]!.GetValue<string>())];
        Assert.True(whole.Count >= 6, $"only {whole.Count} lines");
        Assert.Equal(times.Order(StringComparer.Ordinal), times);
        Assert.Equal(whole.Select(l => l!.ToJsonString()), paged.Select(l => l!.ToJsonString()));
        Assert.Equal((whole.Count + 1) / 2, pages);
        Assert.Equal(("operator@contosomsp.onmicrosoft.com", "Cancelled by operator@contosomsp.onmicrosoft.com at step AwaitCustomerApproval."), (whole[^1]!["actor"]!.GetValue<string>(), whole[^1]!["message"]!.GetValue<string>()));
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.NotFound), (foreignToken.StatusCode, unknown.StatusCode));
    }

    async Task<string[]> ListedIdsAsync(string query) =>
        [.. (await (await stack.Api.GetAsync(query)).Content.ReadFromJsonAsync<JsonArray>())!.Select(o => o!["id"]!.GetValue<string>())];

    /// <summary>Onboards <paramref name="customer"/> over HTTP to a green shield, the customer approving on the simulator.</summary>
    async Task<(Uri Location, string RelationshipId)> OnboardToGreenAsync(Guid customer, int durationDays = 730)
    {
        await stack.RegisterWebhookAsync(stack.WebhookUrl, "granular-admin-relationship-approved");
        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = $"Customer {customer}", durationDays });
        JsonObject waiting = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "waitingForCustomer" or "failed");
        string relationshipId = waiting["relationshipId"]!.GetValue<string>();
        (await stack.Sim.PostAsJsonAsync($"_sim/relationships/{relationshipId}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();
        JsonObject green = await this.FollowAsync(started.Headers.Location!, d => d["status"]!.GetValue<string>() is "succeeded" or "failed");
        Assert.Equal("green", green["shield"]!.GetValue<string>());
        return (started.Headers.Location!, relationshipId);
    }

    /// <summary>The partner terminates the relationship in Partner Center; Microsoft ends it a little later.</summary>
    async Task TerminateAsync(string relationshipId)
    {
        using MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(stack.Simulator));
        Microsoft.Graph.GraphServiceClient graph = connection.GraphFor(OnboardingStack.PartnerTenantId);
        await graph.TenantRelationships.DelegatedAdminRelationships[relationshipId].Requests.PostAsync(
            new Microsoft.Graph.Models.DelegatedAdminRelationshipRequest { Action = Microsoft.Graph.Models.DelegatedAdminRelationshipRequestAction.Terminate });
        for (int i = 0; i < 200 && (await graph.TenantRelationships.DelegatedAdminRelationships[relationshipId].GetAsync())!.Status != Microsoft.Graph.Models.DelegatedAdminRelationshipStatus.Terminated; i++)
        {
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Two_hundred_forged_webhooks_each_naming_another_certificate_url_cause_at_most_one_certificate_download()
    {
        ReceivedWebhook genuine = await this.CaptureGenuineDeliveryAsync();
        Assert.Equal(HttpStatusCode.OK, await this.DeliverAsync(genuine.Body, genuine.Headers)); // the genuine URL is now known and cached
        string host = stack.Simulator.BaseAddress.Authority;
        string[] forgedUrls = [.. Enumerable.Range(0, 200).Select(i => (i % 4) switch
        {
            0 => $"https://{host}/cert/forged-{i}.cer",
            1 => $"https://{host}/cert/pcnotifications-dispatch.microsoft.com.cer?v={i}",
            2 => $"https://127.0.0.1:{9000 + i}/cert/pcnotifications-dispatch.microsoft.com.cer",
            _ => $"https://{host}/cert/{i}/../pcnotifications-dispatch.microsoft.com.cer",
        })];
        int before = await this.CertificateDownloadsAsync();

        HttpResponseMessage[] answers = await Task.WhenAll(forgedUrls.Select(url =>
            this.SendAsync(genuine.Body, new Dictionary<string, string>(genuine.Headers) { ["Authorization"] = "Signature " + Convert.ToBase64String(new byte[256]), ["X-MS-Certificate-Url"] = url })));
        string[] reasons = await Task.WhenAll(answers.Select(async a => (await JsonOf(a))["detail"]!.GetValue<string>()));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        Assert.Contains("The certificate URL is new and another new one was fetched moments ago; Partner Center retries.", reasons);
        Assert.InRange(await this.CertificateDownloadsAsync() - before, 0, 1);
    }

    [Fact]
    public async Task A_delivery_of_an_event_another_delivery_is_handling_is_answered_503_so_partner_center_delivers_it_again()
    {
        ReceivedWebhook genuine = await this.CaptureGenuineDeliveryAsync();
        string key = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(genuine.Body));
        await stack.Host.WebhookInbox.ClaimAsync(OnboardingStack.PartnerTenantId, key, "test-created", string.Empty, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1), default);

        HttpResponseMessage concurrent = await this.SendAsync(genuine.Body, genuine.Headers);

        Assert.Equal(
            (HttpStatusCode.ServiceUnavailable, "This event is being handled by another delivery; Partner Center will deliver it again."),
            (concurrent.StatusCode, (await JsonOf(concurrent))["title"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_malformed_signature_is_refused_before_any_certificate_is_fetched()
    {
        ReceivedWebhook genuine = await this.CaptureGenuineDeliveryAsync();
        int before = await this.CertificateDownloadsAsync();
        Dictionary<string, string> headers = new(genuine.Headers) { ["X-MS-Certificate-Url"] = $"https://{stack.Simulator.BaseAddress.Authority}/cert/never-fetched.cer" };

        HttpResponseMessage notBase64 = await this.SendAsync(genuine.Body, new Dictionary<string, string>(headers) { ["Authorization"] = "Signature not*base64!" });
        HttpResponseMessage tooShort = await this.SendAsync(genuine.Body, new Dictionary<string, string>(headers) { ["Authorization"] = "Signature " + Convert.ToBase64String(new byte[16]) });

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (notBase64.StatusCode, tooShort.StatusCode));
        Assert.Equal("The signature is not a base64 RSA signature.", (await JsonOf(tooShort))["detail"]!.GetValue<string>());
        Assert.Equal(before, await this.CertificateDownloadsAsync());
    }

    async Task<int> CertificateDownloadsAsync() =>
        (await stack.SimStatsAsync())["requests"]!.AsObject().Where(r => r.Key.StartsWith("GET /cert/", StringComparison.Ordinal)).Sum(r => r.Value!.GetValue<int>());

    async Task<HttpStatusCode> DeliverAsync(byte[] body, IReadOnlyDictionary<string, string> headers) => (await this.SendAsync(body, headers)).StatusCode;

    async Task<HttpResponseMessage> SendAsync(byte[] body, IReadOnlyDictionary<string, string> headers)
    {
        using HttpClient partnerCenter = new();
        HttpRequestMessage request = new(HttpMethod.Post, stack.WebhookUrl) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (string name in new[] { "Authorization", "x-ms-signature", "X-MS-Certificate-Url", "X-MS-Signature-Algorithm" }.Where(headers.ContainsKey))
        {
            request.Headers.TryAddWithoutValidation(name, headers[name]);
        }

        return await partnerCenter.SendAsync(request);
    }

    /// <summary>A real delivery, signed by the simulator's Partner Center, captured on the way.</summary>
    async Task<ReceivedWebhook> CaptureGenuineDeliveryAsync() => await this.CaptureGenuineDeliveryAsync(this.SendValidationEventAsync, "test-created");

    /// <summary>The delivery Partner Center signs and sends for <paramref name="events"/> when <paramref name="cause"/> happens, captured on the way.</summary>
    async Task<ReceivedWebhook> CaptureGenuineDeliveryAsync(Func<Task> cause, params string[] events)
    {
        ConcurrentQueue<ReceivedWebhook> captured = new();
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using WebApplication capture = builder.Build();
        capture.MapPost("/capture", async (HttpRequest request) =>
        {
            using MemoryStream body = new();
            await request.Body.CopyToAsync(body);
            captured.Enqueue(new ReceivedWebhook(request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            return Results.Ok();
        });
        await capture.StartAsync();
        await stack.RegisterWebhookAsync(new Uri(capture.Urls.Single() + "/capture"), events);
        await cause();
        DateTime until = DateTime.UtcNow.AddSeconds(10);
        while (captured.IsEmpty && DateTime.UtcNow < until)
        {
            await Task.Delay(50);
        }

        return captured.TryDequeue(out ReceivedWebhook? webhook) ? webhook : throw new TimeoutException("No delivery was captured.");
    }

    async Task SendValidationEventAsync()
    {
        using BundleFunctions.Infrastructure.MicrosoftCloud.MicrosoftCloudConnection connection = new(Onboarding.OnboardingStack.CloudOptions(stack.Simulator));
        Azure.Core.AccessToken token = await connection.ServiceAccount.GetTokenAsync(new Azure.Core.TokenRequestContext([BundleFunctions.Infrastructure.MicrosoftCloud.MicrosoftCloudOptions.PartnerCenterScope]), default);
        using HttpRequestMessage request = new(HttpMethod.Post, "partnercenter/webhooks/v1/registration/validationEvents");
        request.Headers.Authorization = new("Bearer", token.Token);
        (await stack.Sim.SendAsync(request)).EnsureSuccessStatusCode();
    }

    public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, byte[] Body);
}
