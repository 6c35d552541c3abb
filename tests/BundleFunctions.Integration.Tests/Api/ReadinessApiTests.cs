using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Integration.Tests.Onboarding;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>A LocalHost that checks the partner's readiness before every onboarding (no passing report is reused).</summary>
public sealed class ReadinessApiStack : PublicApiStack
{
    protected override IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string> { ["Api__ReadinessKeptFor"] = "00:00:00" };
}

public sealed class ReadinessApiTests(ReadinessApiStack stack) : IClassFixture<ReadinessApiStack>
{
    const string ServiceAccount = "a1b2c3d4-1111-4a6b-9c1d-000000000001";
    const string AdminAgents = "a1b2c3d4-2222-4a6b-9c1d-000000000001";

    /// <summary>Runs <paramref name="test"/> while the service account is outside AdminAgents, then puts it back.</summary>
    async Task OutsideAdminAgentsAsync(Func<Task> test)
    {
        using MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(stack.Simulator));
        Microsoft.Graph.GraphServiceClient graph = connection.GraphFor(OnboardingStack.PartnerTenantId);
        await graph.Groups[AdminAgents].Members[ServiceAccount].Ref.DeleteAsync();
        try
        {
            await test();
        }
        finally
        {
            await graph.Groups[AdminAgents].Members.Ref.PostAsync(new Microsoft.Graph.Models.ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{ServiceAccount}" });
        }
    }

    [Fact]
    public async Task The_readiness_report_lists_every_check_with_what_was_seen_and_the_fix()
    {
        JsonObject report = (await stack.Api.GetFromJsonAsync<JsonObject>("api/readiness"))!;

        JsonArray checks = report["checks"]!.AsArray();
        Assert.Equal(15, checks.Count);
        Assert.Null(report["blocker"]);
        JsonNode adminAgent = checks.Single(c => c!["name"]!.GetValue<string>() == "serviceAccountAdminAgent")!;
        Assert.Equal(("pass", true, "svc-bundle@contosomsp.onmicrosoft.com is in AdminAgents."), (adminAgent["state"]!.GetValue<string>(), adminAgent["blocking"]!.GetValue<bool>(), adminAgent["seen"]!.GetValue<string>()));
        JsonNode vault = checks.Single(c => c!["name"]!.GetValue<string>() == "refreshTokenVault")!;
        Assert.Equal("warn", vault["state"]!.GetValue<string>());
        Assert.StartsWith("Set MicrosoftCloud__ServiceAccountRefreshTokenSecretUri", vault["fix"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("attention", report["status"]!.GetValue<string>());
        Assert.Equal(
            "Microsoft Graph: Directory.Read.All, DelegatedPermissionGrant.ReadWrite.All, Application.ReadWrite.All, Policy.Read.All",
            string.Join(" | ", report["configuration"]!["consentGrants"]!.AsArray().Select(g => $"{g!["resource"]}: {string.Join(", ", g["scopes"]!.AsArray().Select(x => x!.GetValue<string>()))}")));
    }

    [Fact]
    public async Task The_readiness_report_needs_the_function_key()
    {
        using HttpClient anonymous = new() { BaseAddress = stack.Api.BaseAddress };

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/readiness")).StatusCode);
    }

    [Fact]
    public async Task An_onboarding_started_while_the_service_account_is_outside_admin_agents_stops_at_once_naming_the_check()
    {
        await this.OutsideAdminAgentsAsync(async () =>
        {
            using HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = "c0000004-0000-4000-8000-000000000004", customerName = "Woodgrove Bank" });
            JsonObject failed = await stack.FollowAsync(started, d => d["status"]!.GetValue<string>() == "failed");

            Assert.Equal("ensurePartnerGroups", failed["currentStep"]!.GetValue<string>());
            Assert.Equal(
                "Partner readiness check serviceAccountAdminAgent fails: svc-bundle@contosomsp.onmicrosoft.com is not in AdminAgents: GDAP and Partner Center consent need an Admin Agent. "
                + "Fix: Give svc-bundle@contosomsp.onmicrosoft.com the Admin agent role in Partner Center (Account settings → User management), then start again.",
                failed["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == "ensurePartnerGroups")!["message"]!.GetValue<string>());
            JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
            Assert.DoesNotContain(state["partner"]!["groups"]!.AsArray(), g => g!["displayName"]!.GetValue<string>().StartsWith("Acme GDAP-", StringComparison.Ordinal));
            Assert.DoesNotContain(state["relationships"]!.AsArray(), r => r!["customerTenantId"]!.GetValue<string>() == "c0000004-0000-4000-8000-000000000004");
        });
    }

    [Fact]
    public async Task A_batch_is_refused_while_a_blocking_check_fails_and_nothing_starts()
    {
        await this.OutsideAdminAgentsAsync(async () =>
        {
            using HttpResponseMessage refused = await stack.Api.PostAsJsonAsync("api/onboarding-batches", new { customers = new[] { new { customerTenantId = "c0000003-0000-4000-8000-000000000003", customerName = "Tailspin Toys" } } });

            JsonObject problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(refused.StatusCode == System.Net.HttpStatusCode.Conflict, $"{await refused.Content.ReadAsStringAsync()}\n{stack.Host.Output[Math.Max(0, stack.Host.Output.Length - 6000)..]}");
            Assert.Equal("The partner setup is not ready (serviceAccountAdminAgent); nothing was started.", problem["title"]!.GetValue<string>());
            Assert.Equal("serviceAccountAdminAgent", problem["readinessCheck"]!.GetValue<string>());
            Assert.Null(refused.Headers.Location);
            JsonArray onboardings = (await stack.Api.GetFromJsonAsync<JsonArray>("api/onboardings?customerTenantId=c0000003-0000-4000-8000-000000000003"))!;
            Assert.Empty(onboardings);
        });
    }

    [Fact]
    public async Task Consent_for_all_customers_is_refused_while_a_blocking_check_fails()
    {
        await this.OutsideAdminAgentsAsync(async () =>
        {
            using HttpResponseMessage refused = await stack.Api.PostAsJsonAsync("api/onboardings/consent-all", new { dryRun = false });

            JsonObject problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(refused.StatusCode == System.Net.HttpStatusCode.Conflict, problem.ToJsonString());
            Assert.Equal("serviceAccountAdminAgent", problem["readinessCheck"]!.GetValue<string>());
            Assert.Equal("svc-bundle@contosomsp.onmicrosoft.com is not in AdminAgents: GDAP and Partner Center consent need an Admin Agent. Fix: Give svc-bundle@contosomsp.onmicrosoft.com the Admin agent role in Partner Center (Account settings → User management), then start again.", problem["detail"]!.GetValue<string>());
        });
    }
}
