using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>Stats, faults, simulated time and paging: each test owns its simulator, as each changes or counts global state.</summary>
public sealed class ControlTests : OwnSimulator
{
    static Group NewGroup(string name) => new() { DisplayName = name, MailNickname = name.Replace(" ", string.Empty, StringComparison.Ordinal), MailEnabled = false, SecurityEnabled = true };

    async Task<string> GraphTokenAsync() =>
        (await this.Bed.Connection.CredentialFor(SimulatorTestBed.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default)).Token;

    [Fact]
    public async Task A_crash_point_holds_the_chosen_write_applied_and_drops_its_answer_when_released()
    {
        (await this.Bed.SimAsync(HttpMethod.Post, "crash-point", new { route = "POST /v1.0/groups", skip = 1, apply = true })).EnsureSuccessStatusCode();
        await this.Bed.PartnerGraph.Groups.PostAsync(NewGroup("Passes"));

        Task<Group?> held = this.Bed.PartnerGraph.Groups.PostAsync(NewGroup("Held"));
        JsonObject point = await SimulatorTestBed.EventuallyAsync(async () => (await this.Bed.Http.GetFromJsonAsync<JsonObject>("_sim/crash-point"))!, p => p["held"] is not null);
        bool answeredWhileHeld = held.IsCompleted;
        (await this.Bed.SimAsync(HttpMethod.Delete, "crash-point")).EnsureSuccessStatusCode();
        Exception? dropped = await Record.ExceptionAsync(() => held);
        GroupCollectionResponse? found = await this.Bed.PartnerGraph.Groups.GetAsync(r => r.QueryParameters.Filter = "displayName eq 'Held'");

        Assert.Equal("POST /v1.0/groups", point["held"]!.GetValue<string>());
        Assert.False(answeredWhileHeld);
        Assert.NotNull(dropped); // the caller never learns the answer
        Assert.Single(found!.Value!); // but Microsoft carried the write out
    }

    [Fact]
    public async Task Stats_count_each_request_by_method_and_route_template_exactly()
    {
        await this.Bed.PartnerGraph.Groups.PostAsync(NewGroup("One"));
        await this.Bed.PartnerGraph.Groups.PostAsync(NewGroup("Two"));
        await this.Bed.PartnerGraph.Groups.GetAsync(r => r.QueryParameters.Filter = "displayName eq 'One'");
        await this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.GetAsync();
        await Assert.ThrowsAsync<ODataError>(() => this.Bed.PartnerGraph.Users[Guid.NewGuid().ToString()].GetAsync());

        JsonObject stats = await this.Bed.StatsAsync();

        Assert.Equal(
            new Dictionary<string, int>
            {
                ["GET /v1.0/groups"] = 1,
                ["GET /v1.0/tenantRelationships/delegatedAdminRelationships"] = 1,
                ["GET /v1.0/users/{id}"] = 1,
                ["POST /v1.0/groups"] = 2,
            },
            stats["requests"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<int>()));
        Assert.Equal(5, stats["total"]!.GetValue<int>());
        Assert.Empty(stats["throttled"]!.AsObject());
    }

    [Fact]
    public async Task A_throttled_route_answers_429_with_retry_after_and_the_client_retries_it_within_bounds()
    {
        await this.Bed.SimAsync(HttpMethod.Post, "faults", new { throttleRates = new Dictionary<string, double> { ["POST /v1.0/groups"] = 1.0 }, retryAfterSeconds = 1 });
        using HttpRequestMessage raw = new(HttpMethod.Post, "v1.0/groups") { Content = JsonContent.Create(NewGroup("Raw")) };
        raw.Headers.Authorization = new("Bearer", await this.GraphTokenAsync());
        using HttpResponseMessage response = await this.Bed.Http.SendAsync(raw);

        // The production connection retries 429 itself (honouring Retry-After), then hands the wait to the orchestration.
        BundleFunctions.Ports.MicrosoftBusyException busy = await Assert.ThrowsAsync<BundleFunctions.Ports.MicrosoftBusyException>(() => this.Bed.PartnerGraph.Groups.PostAsync(NewGroup("Throttled")));
        JsonObject stats = await this.Bed.StatsAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(TimeSpan.FromSeconds(1), busy.RetryAfter);
        Assert.Equal(1 + this.Bed.Connection.Resilience.MaxAttempts, stats["throttled"]!["POST /v1.0/groups"]!.GetValue<int>()); // the raw call + every attempt of the SDK call
        Assert.Empty(stats["earlyRetries"]!.AsObject()); // each resend waited its Retry-After
        Assert.Empty((await this.Bed.PartnerGraph.Groups.GetAsync(r => r.QueryParameters.Filter = "displayName eq 'Throttled'"))!.Value!);
    }

    [Fact]
    public async Task Fault_rates_apply_per_route_and_stats_count_every_fault_served()
    {
        await this.Bed.SimAsync(HttpMethod.Post, "faults", new { throttleRates = new Dictionary<string, double> { ["*"] = 0.3 }, serverErrorRates = new Dictionary<string, double> { ["GET /v1.0/users/{id}"] = 0.2 }, randomSeed = 7 });
        string token = await this.GraphTokenAsync();
        int tooMany = 0, unavailable = 0;

        for (int i = 0; i < 200; i++)
        {
            // Distinct requests (a query apiece): a request repeated before its Retry-After would be throttled again, not rolled.
            using HttpRequestMessage request = new(HttpMethod.Get, $"v1.0/users/{SimulatorTestBed.ServiceAccountId}?$select=id&n={i}");
            request.Headers.Authorization = new("Bearer", token);
            HttpStatusCode status = (await this.Bed.Http.SendAsync(request)).StatusCode;
            tooMany += status == HttpStatusCode.TooManyRequests ? 1 : 0;
            unavailable += status == HttpStatusCode.ServiceUnavailable ? 1 : 0;
        }

        JsonObject stats = await this.Bed.StatsAsync();
        Assert.InRange(tooMany, 40, 80);
        Assert.InRange(unavailable, 15, 45);
        Assert.Equal(tooMany, stats["throttled"]!["GET /v1.0/users/{id}"]!.GetValue<int>());
        Assert.Equal(unavailable, stats["serverErrors"]!["GET /v1.0/users/{id}"]!.GetValue<int>());
        Assert.Equal(200, stats["requests"]!["GET /v1.0/users/{id}"]!.GetValue<int>());
    }

    [Fact]
    public async Task Relationships_page_at_300_with_an_odata_next_link()
    {
        for (int i = 0; i < 301; i++)
        {
            await this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship($"Page-{i:D3}"));
        }

        DelegatedAdminRelationshipCollectionResponse first = (await this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.GetAsync())!;
        List<DelegatedAdminRelationship> all = [];
        PageIterator<DelegatedAdminRelationship, DelegatedAdminRelationshipCollectionResponse> pages =
            PageIterator<DelegatedAdminRelationship, DelegatedAdminRelationshipCollectionResponse>.CreatePageIterator(this.Bed.PartnerGraph, first, r =>
            {
                all.Add(r);
                return true;
            });
        await pages.IterateAsync();

        Assert.Equal(300, first.Value!.Count);
        Assert.NotNull(first.OdataNextLink);
        Assert.Equal(301, all.Select(r => r.Id).Distinct().Count());
        Assert.Equal(2, (await this.Bed.StatsAsync())["requests"]!["GET /v1.0/tenantRelationships/delegatedAdminRelationships"]!.GetValue<int>());
    }

    [Fact]
    public async Task Advancing_time_past_the_end_date_expires_a_relationship_without_auto_extend()
    {
        DelegatedAdminRelationship created = (await this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship("Short", SimulatorTestBed.Fabrikam, days: 1)))!;
        DelegatedAdminRelationship active = await this.ActivateAsync(created.Id!, SimulatorTestBed.Fabrikam);

        await this.Bed.SimAsync(HttpMethod.Post, "time/advance", new { by = "2.00:00:00" });

        Assert.Equal(DelegatedAdminRelationshipStatus.Active, active.Status);
        Assert.Equal(DelegatedAdminRelationshipStatus.Expired, (await this.Bed.PartnerGraph.Relationships(created.Id!).GetAsync())!.Status);
    }

    [Fact]
    public async Task Advancing_time_past_the_end_date_extends_a_relationship_with_auto_extend_by_180_days()
    {
        DelegatedAdminRelationship created = (await this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship("Renewing", SimulatorTestBed.Fabrikam, days: 1, autoExtendDays: 180)))!;
        DelegatedAdminRelationship active = await this.ActivateAsync(created.Id!, SimulatorTestBed.Fabrikam);

        await this.Bed.SimAsync(HttpMethod.Post, "time/advance", new { by = "2.00:00:00" });
        DelegatedAdminRelationship later = (await this.Bed.PartnerGraph.Relationships(created.Id!).GetAsync())!;

        Assert.Equal(DelegatedAdminRelationshipStatus.Active, later.Status);
        Assert.Equal(active.EndDateTime!.Value.AddDays(180), later.EndDateTime);
    }

    [Fact]
    public async Task An_approval_request_nobody_approves_expires_after_90_days()
    {
        DelegatedAdminRelationship created = (await this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship("Forgotten", SimulatorTestBed.Fabrikam)))!;
        await Gdap.LockAsync(this.Bed, created.Id!);

        await this.Bed.SimAsync(HttpMethod.Post, "time/advance", new { by = "89.00:00:00" });
        DelegatedAdminRelationshipStatus? day89 = (await this.Bed.PartnerGraph.Relationships(created.Id!).GetAsync())!.Status;
        await this.Bed.SimAsync(HttpMethod.Post, "time/advance", new { by = "2.00:00:00" });
        DelegatedAdminRelationshipStatus? day91 = (await this.Bed.PartnerGraph.Relationships(created.Id!).GetAsync())!.Status;

        Assert.Equal((DelegatedAdminRelationshipStatus.ApprovalPending, DelegatedAdminRelationshipStatus.Expired), (day89, day91));
    }

    [Fact]
    public async Task The_state_dump_shows_relationships_and_groups()
    {
        Group group = (await this.Bed.PartnerGraph.Groups.PostAsync(NewGroup("Dumped")))!;
        DelegatedAdminRelationship created = (await this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship("Dump", SimulatorTestBed.Fabrikam)))!;

        JsonObject state = (await this.Bed.Http.GetFromJsonAsync<JsonObject>("_sim/state"))!;

        Assert.Contains(state["partner"]!["groups"]!.AsArray(), g => g!["id"]!.GetValue<string>() == group.Id);
        Assert.Contains(state["relationships"]!.AsArray(), r => r!["id"]!.GetValue<string>() == created.Id && r["status"]!.GetValue<string>() == "created");
        Assert.Equal(4, state["customers"]!.AsArray().Count);
    }

    async Task<DelegatedAdminRelationship> ActivateAsync(string id, Guid customer)
    {
        await Gdap.LockAsync(this.Bed, id);
        (await this.Bed.SimAsync(HttpMethod.Post, $"relationships/{id}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();
        return await SimulatorTestBed.EventuallyAsync(async () => (await this.Bed.PartnerGraph.Relationships(id).GetAsync())!, r => r.Status == DelegatedAdminRelationshipStatus.Active);
    }
}
