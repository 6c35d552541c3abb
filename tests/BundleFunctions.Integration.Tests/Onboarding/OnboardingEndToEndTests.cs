using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Gdap;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Infrastructure.Storage;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Graph.Models;
using WebApplication = Microsoft.AspNetCore.Builder.WebApplication;

namespace BundleFunctions.Integration.Tests.Onboarding;

public sealed class OnboardingEndToEndTests : IAsyncLifetime
{
    OnboardingStack stack = null!;

    public async Task InitializeAsync() => this.stack = await OnboardingStack.StartAsync();

    public async Task DisposeAsync() => await this.stack.DisposeAsync();

    static StepRecord Step(OnboardingRecord record, OnboardingStep step) => record.Steps.Single(s => s.Step == step);

    Task<OnboardingRecord> WaitingForCustomer(string id) => this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

    async Task<string> OnboardFabrikamAsync(WorkflowSettings? settings = null)
    {
        string id = await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd", settings));
        OnboardingRecord waiting = await this.WaitingForCustomer(id);
        await this.stack.ApproveAsync(waiting.RelationshipId!, OnboardingStack.Fabrikam);
        return id;
    }

    /// <summary>What the simulator holds after one onboarding of Fabrikam, named as the product names it.</summary>
    async Task AssertExactlyOneOnboardingWorthOfObjectsAsync()
    {
        await this.stack.AssertExactlyTheObjectsOfOnboardingAsync(OnboardingStack.Fabrikam);
        Assert.Equal("FPL-GDAP", (await this.stack.StateAsync())["relationships"]![0]!["displayName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_webhook_approval_takes_the_customer_from_request_to_a_green_shield()
    {
        WorkflowSettings noTimelyPolling = OnboardingStack.FastSettings with { Approval = new Polling(TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), TimeSpan.FromDays(1)) };
        string id = OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd").Subject.OnboardingId;
        await using WebhookRelay relay = await WebhookRelay.StartAsync(this.stack.Client, id);
        (await this.PartnerCenterAsync(HttpMethod.Post, "webhooks/v1/registration", new { WebhookUrl = relay.Url, WebhookEvents = new[] { "granular-admin-relationship-approved", "granular-admin-relationship-activated" } })).EnsureSuccessStatusCode();

        await this.OnboardFabrikamAsync(noTimelyPolling);
        OnboardingOutcome outcome = await this.stack.WaitForOutcomeAsync(id);

        OnboardingRecord record = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green, "PSA-1001"), (record.Status, record.Shield, record.Subject.OrganizationId));
        Assert.All(record.Steps, s => Assert.Equal(s.Step == OnboardingStep.EndReplacedRelationships ? StepStatus.Skipped : StepStatus.Succeeded, s.Status)); // nothing to replace
        Assert.Equal("Approved by the customer (seen by webhook).", Step(record, OnboardingStep.AwaitCustomerApproval).Message);
        Assert.Equal(ApprovalLink.For(RelationshipId.Parse(record.RelationshipId!)), record.InvitationUrl);
        await this.AssertExactlyOneOnboardingWorthOfObjectsAsync();
        IReadOnlyList<AuditLine> audit = await this.stack.Store.GetAuditTrailAsync(OnboardingStack.PartnerTenantId, id, default);
        Assert.Contains(audit, l => l.What == "VerifyAccess Succeeded, onboarding Succeeded, shield Green");
    }

    [Fact]
    public async Task Polling_alone_completes_the_onboarding_when_webhooks_are_lost()
    {
        string id = await this.OnboardFabrikamAsync();

        OnboardingOutcome outcome = await this.stack.WaitForOutcomeAsync(id);

        OnboardingRecord record = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.StartsWith("Approved by the customer (seen by polling", Step(record, OnboardingStep.AwaitCustomerApproval).Message, StringComparison.Ordinal);
        await this.AssertExactlyOneOnboardingWorthOfObjectsAsync();
    }

    [Fact]
    public async Task An_approval_that_never_comes_fails_at_the_deadline()
    {
        WorkflowSettings shortDeadline = OnboardingStack.FastSettings with { Approval = new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(3)), OperatorDecisionTimeout = TimeSpan.FromSeconds(1) };

        OnboardingOutcome outcome = await this.stack.WaitForOutcomeAsync(await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd", shortDeadline)));

        Assert.Equal((OnboardingStatus.Failed, OnboardingStep.AwaitCustomerApproval), (outcome.Status, outcome.FailedStep));
        Assert.StartsWith("The approval request expired", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Throttling_storms_and_server_errors_are_absorbed_without_duplicates()
    {
        await this.stack.SetFaultsAsync(new { throttleRates = new Dictionary<string, double> { ["*"] = 0.3 }, serverErrorRates = new Dictionary<string, double> { ["*"] = 0.1 }, retryAfterSeconds = 0, randomSeed = 42 });

        OnboardingOutcome outcome = await this.stack.WaitForOutcomeAsync(await this.OnboardFabrikamAsync(), seconds: 150);

        JsonObject stats = await this.stack.StatsAsync();
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.True(stats["throttled"]!.AsObject().Sum(p => p.Value!.GetValue<int>()) > 20, "the storm must actually have happened");
        await this.AssertExactlyOneOnboardingWorthOfObjectsAsync();
    }

    [Fact]
    public async Task Directory_replication_delays_are_absorbed()
    {
        await this.stack.SetFaultsAsync(new { replicationDelay = "00:00:01" });

        OnboardingOutcome outcome = await this.stack.WaitForOutcomeAsync(await this.OnboardFabrikamAsync());

        Assert.Equal(OnboardingStatus.Succeeded, outcome.Status);
        await this.AssertExactlyOneOnboardingWorthOfObjectsAsync();
    }

    [Fact]
    public async Task A_conditional_access_block_turns_blue_with_the_fix_and_a_refresh_after_the_fix_turns_green()
    {
        string id = await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Northwind, "Northwind Traders"));
        OnboardingRecord waiting = await this.WaitingForCustomer(id);
        await this.stack.ApproveAsync(waiting.RelationshipId!, OnboardingStack.Northwind);

        OnboardingRecord blocked = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);
        JsonArray consentsWhenBlocked = (await this.stack.StateAsync())["consents"]!.AsArray();
        (await this.stack.Http.PostAsync($"_sim/customers/{OnboardingStack.Northwind}/conditional-access-policies/c0000002-2222-4000-8000-000000000001/exclude-service-providers", null)).EnsureSuccessStatusCode();
        await this.stack.Client.RaiseEventAsync(id, OnboardingEvents.RefreshRequested, new OperatorDecision("operator@msp.example"));
        OnboardingOutcome outcome = await this.stack.WaitForOutcomeAsync(id);

        Assert.Equal((Shield.Blue, OnboardingStep.ConsentApplication), (blocked.Shield, blocked.CurrentStep));
        Assert.StartsWith(
            "Consent is blocked by a Conditional Access policy in the customer tenant. Fix: in the customer's Entra admin center, exclude 'Service provider users' (or this partner tenant) from the policy's users, then refresh.",
            Step(blocked, OnboardingStep.ConsentApplication).Message,
            StringComparison.Ordinal);
        Assert.EndsWith("Seen before consent: Entra refused the service account's sign-in there (AADSTS53003), so nothing was sent to Partner Center; the customer's sign-in logs (Conditional Access tab) name the policy.", Step(blocked, OnboardingStep.ConsentApplication).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(consentsWhenBlocked, c => c!["customerTenantId"]!.GetValue<Guid>() == OnboardingStack.Northwind);
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
    }

    [Fact]
    public async Task Onboarding_the_same_customer_again_creates_nothing_new()
    {
        string id = await this.OnboardFabrikamAsync();
        await this.stack.WaitForOutcomeAsync(id);
        await this.stack.Http.DeleteAsync("_sim/stats");

        await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        OnboardingOutcome again = await this.stack.WaitForOutcomeAsync(id);

        JsonObject requests = (await this.stack.StatsAsync())["requests"]!.AsObject();
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (again.Status, again.Shield));
        Assert.DoesNotContain(requests, r => r.Key.StartsWith("POST", StringComparison.Ordinal) && r.Key != "POST /partnercenter/v1/customers/{id}/applicationconsents");
        await this.AssertExactlyOneOnboardingWorthOfObjectsAsync();
        OnboardingRecord record = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        Assert.Equal("The application was already consented.", Step(record, OnboardingStep.ConsentApplication).Message);
        Assert.Equal("Adopted the existing relationship 'FPL-GDAP' (Active).", Step(record, OnboardingStep.CreateRelationship).Message);
    }

    [Fact]
    public async Task A_relationship_missing_roles_turns_blue_naming_the_roles()
    {
        using MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(this.stack.Simulator));
        Microsoft.Graph.GraphServiceClient graph = connection.GraphFor(OnboardingStack.PartnerTenantId);
        DelegatedAdminRelationship partial = (await graph.TenantRelationships.DelegatedAdminRelationships.PostAsync(new DelegatedAdminRelationship
        {
            DisplayName = "FPL-GDAP",
            Duration = TimeSpan.FromDays(730),
            Customer = new DelegatedAdminRelationshipCustomerParticipant { TenantId = OnboardingStack.Fabrikam.ToString() },
            AccessDetails = new DelegatedAdminAccessDetails { UnifiedRoles = [.. RoleCatalog.BundleRoles.Skip(2).Select(r => new UnifiedRole { RoleDefinitionId = r.TemplateId.ToString() })] },
        }))!;
        await new GraphRelationships(connection).LockForApprovalAsync(RelationshipId.Parse(partial.Id!), default);
        await this.stack.ApproveAsync(partial.Id!, OnboardingStack.Fabrikam);

        string id = await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        OnboardingRecord blue = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        Assert.Equal((Shield.Blue, OnboardingStep.VerifyRelationshipRoles), (blue.Shield, blue.CurrentStep));
        Assert.StartsWith("The relationship lacks 2 required role(s): Application Administrator, Authentication Policy Administrator.", Step(blue, OnboardingStep.VerifyRelationshipRoles).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_account_that_left_admin_agents_since_the_last_readiness_check_still_stops_at_the_groups_step_before_anything_is_created()
    {
        const string AdminAgents = "a1b2c3d4-2222-4a6b-9c1d-000000000001", ServiceAccount = "a1b2c3d4-1111-4a6b-9c1d-000000000001";
        using MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(this.stack.Simulator));
        Microsoft.Graph.GraphServiceClient graph = connection.GraphFor(OnboardingStack.PartnerTenantId);
        Assert.Null(await this.stack.Services.GetRequiredService<IPartnerReadiness>().BlockerAsync(default)); // a passing report, kept for 10 minutes
        await graph.Groups[AdminAgents].Members[ServiceAccount].Ref.DeleteAsync();

        string id = await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        OnboardingRecord stopped = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);
        JsonObject state = await this.stack.StateAsync();
        await graph.Groups[AdminAgents].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{ServiceAccount}" });
        await this.stack.Client.RaiseEventAsync(id, OnboardingEvents.RetryRequested, new OperatorDecision("operator@msp.example"));
        OnboardingRecord resumed = await this.WaitingForCustomer(id);

        Assert.Equal(OnboardingStep.EnsurePartnerGroups, stopped.CurrentStep);
        Assert.StartsWith("The service account 'svc-bundle@contosomsp.onmicrosoft.com' is not in AdminAgents: GDAP and Partner Center consent need an Admin Agent.", Step(stopped, OnboardingStep.EnsurePartnerGroups).Message, StringComparison.Ordinal);
        Assert.DoesNotContain(state["partner"]!["groups"]!.AsArray(), g => g!["displayName"]!.GetValue<string>().StartsWith("Acme GDAP-", StringComparison.Ordinal));
        Assert.Empty(state["relationships"]!.AsArray());
        Assert.Equal(StepStatus.Succeeded, Step(resumed, OnboardingStep.EnsurePartnerGroups).Status);
    }

    [Fact]
    public async Task Once_the_partner_groups_exist_an_onboarding_passes_their_step_without_waiting_for_the_groups_lease()
    {
        await this.stack.WaitForOutcomeAsync(await this.OnboardFabrikamAsync());
        TableLeases leases = new(Azurite.Tables(), TimeProvider.System, tableName: this.stack.TableName + "Leases");
        await using IAsyncDisposable held = await leases.AcquireAsync("partner-groups-Acme", default); // as a slow first onboarding would

        string id = await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Northwind, "Northwind Traders"));
        OnboardingRecord waiting = await this.WaitingForCustomer(id);

        Assert.Equal("12 groups ready (0 created, 0 memberships added).", Step(waiting, OnboardingStep.EnsurePartnerGroups).Message);
    }

    [Fact]
    public async Task Customers_onboarded_at_the_same_moment_share_one_set_of_partner_groups()
    {
        Guid[] customers = [OnboardingStack.Fabrikam, OnboardingStack.Northwind, Guid.Parse("c0000003-0000-4000-8000-000000000003"), Guid.Parse("c0000004-0000-4000-8000-000000000004")];

        string[] ids = await Task.WhenAll(customers.Select((c, i) => this.stack.StartAsync(OnboardingStack.InputFor(c, $"Customer {i}"))));
        await Task.WhenAll(ids.Select(this.WaitingForCustomer));

        JsonObject state = await this.stack.StateAsync();
        string[] groups = [.. state["partner"]!["groups"]!.AsArray().Select(g => g!["displayName"]!.GetValue<string>()).Where(n => n.StartsWith("Acme GDAP-", StringComparison.Ordinal))];
        Assert.Equal(RoleCatalog.BundleRoles.Select(r => $"Acme GDAP-{r.Name}").Order(), groups.Order());
    }

    [Fact]
    public async Task No_secret_appears_in_orchestration_input_output_or_custom_status()
    {
        string id = await this.OnboardFabrikamAsync();
        await this.stack.WaitForOutcomeAsync(id);

        OrchestrationMetadata instance = (await this.stack.Client.GetInstanceAsync(id, getInputsAndOutputs: true))!;
        string everything = $"{instance.SerializedInput}{instance.SerializedOutput}{instance.SerializedCustomStatus}";

        Assert.NotEmpty(instance.SerializedInput!);
        Assert.DoesNotContain(OnboardingStack.ClientSecret, everything, StringComparison.Ordinal);
        Assert.DoesNotContain(OnboardingStack.RefreshToken, everything, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", everything, StringComparison.Ordinal); // no JWT either
    }

    async Task<HttpResponseMessage> PartnerCenterAsync(HttpMethod method, string path, object body)
    {
        using MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(this.stack.Simulator));
        Azure.Core.AccessToken token = await connection.ServiceAccount.GetTokenAsync(new Azure.Core.TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default);
        using HttpRequestMessage request = new(method, "partnercenter/" + path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token.Token);
        return await this.stack.Http.SendAsync(request);
    }

    /// <summary>Stands in for the webhook receiver (a later issue): turns Partner Center's approval events into the orchestration's event.</summary>
    sealed class WebhookRelay(WebApplication app) : IAsyncDisposable
    {
        public Uri Url => new(app.Urls.Single() + "/webhook");

        public static async Task<WebhookRelay> StartAsync(DurableTaskClient client, string onboardingId)
        {
            WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            WebApplication app = builder.Build();
            app.MapPost("/webhook", async (HttpRequest request) =>
            {
                JsonObject payload = (await request.ReadFromJsonAsync<JsonObject>())!;
                string relationshipId = payload["ResourceUri"]!.GetValue<string>().Split('/')[^1];
                await client.RaiseEventAsync(onboardingId, OnboardingEvents.RelationshipApproved, new RelationshipApproved(relationshipId, ApprovalSource.Webhook));
                return Results.Ok();
            });
            await app.StartAsync();
            return new WebhookRelay(app);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
