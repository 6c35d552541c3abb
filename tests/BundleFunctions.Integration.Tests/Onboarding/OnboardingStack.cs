using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Infrastructure;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Infrastructure.Storage;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.Onboarding;

/// <summary>
/// The real onboarding on one test's own stack: the orchestrator and activities on DurableTaskTestHost, the production
/// Microsoft cloud adapters against a fresh simulator, the Table store on Azurite. Nothing Microsoft-facing is mocked.
/// </summary>
public sealed class OnboardingStack : IAsyncDisposable
{
    public static readonly Guid PartnerTenantId = Guid.Parse("7f5b1c2e-0000-4a6b-9c1d-5e2f3a4b5c6d");
    public static readonly Guid Fabrikam = Guid.Parse("c0000001-0000-4000-8000-000000000001");
    public static readonly Guid Northwind = Guid.Parse("c0000002-0000-4000-8000-000000000002");
    public const string ClientSecret = "sim-only-client-secret";
    public const string RefreshToken = "sim-refresh-token-svc-bundle";

    /// <summary>The admin-consent callback the seeded app registration lists (the LocalHost's default address).</summary>
    public static readonly Uri SeededCallback = new("http://127.0.0.1:7071/api/admin-consent/callback");

    public static readonly WorkflowSettings FastSettings = new(
        GroupPrefix: "Acme",
        Approval: new Polling(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60)),
        Activation: new Polling(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)),
        Assignments: new Polling(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)),
        Consent: new Polling(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)),
        Verification: new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20)),
        OperatorDecisionTimeout: TimeSpan.FromSeconds(60),
        ActivityRetry: new ActivityRetrySettings(8, TimeSpan.FromMilliseconds(200), 1.5, TimeSpan.FromSeconds(1)));

    readonly DurableTaskTestHost host;

    OnboardingStack(Simulator simulator, DurableTaskTestHost host, HttpClient http)
    {
        this.Simulator = simulator;
        this.host = host;
        this.Http = http;
    }

    public Simulator Simulator { get; }

    /// <summary>The stack's own onboardings table.</summary>
    public string TableName { get; private init; } = string.Empty;

    /// <summary>Plain HTTP to the simulator's test hooks, trusting only its certificate.</summary>
    public HttpClient Http { get; }

    public DurableTaskClient Client => this.host.Client;

    public IOnboardingStore Store => this.host.Services.GetRequiredService<IOnboardingStore>();

    /// <summary>The worker's services: the production adapters the activities use.</summary>
    public IServiceProvider Services => this.host.Services;

    public static MicrosoftCloudOptions CloudOptions(Simulator simulator) => new()
    {
        PartnerTenantId = PartnerTenantId,
        ClientId = Guid.Parse("b7a1c3e5-3333-4a6b-9c1d-000000000001"),
        ClientSecret = ClientSecret,
        ServiceAccountUserPrincipalName = "svc-bundle@contosomsp.onmicrosoft.com",
        ServiceAccountRefreshToken = RefreshToken,
        AuthorityHost = simulator.BaseAddress,
        GraphBaseUrl = new Uri(simulator.BaseAddress, "v1.0"),
        PartnerCenterBaseUrl = new Uri(simulator.BaseAddress, "partnercenter"),
        PinnedCertificateThumbprint = simulator.Thumbprint,
    };

    /// <summary>
    /// A simulator on a free port whose customers approve, activate and assign within a second, unless
    /// <paramref name="configure"/> says otherwise (e.g. Microsoft's realistic delays in simulated time).
    /// </summary>
    public static Task<Simulator> StartSimulatorAsync(Action<SimulatorOptions>? configure = null, string? seedJson = null) => Simulator.StartAsync(
        ["--Simulator:Port=0"],
        o =>
        {
            o.ApprovedToActivating = TimeSpan.FromMilliseconds(100);
            o.ActivatingToActive = TimeSpan.FromMilliseconds(100);
            o.AssignmentActivation = TimeSpan.FromMilliseconds(300);
            o.TickInterval = TimeSpan.FromMilliseconds(20);
            configure?.Invoke(o);
        },
        seedJson);

    /// <summary>The LocalHost settings (environment variables) that point it at <paramref name="simulator"/>, as local.settings.json would.</summary>
    public static Dictionary<string, string> LocalHostSettings(Simulator simulator) => new(CloudOptions(simulator).ToSettings());

    /// <summary>
    /// Starts a stack; <paramref name="configure"/> and <paramref name="seedJson"/> shape its simulator, and
    /// <paramref name="services"/> adds to the worker's services (e.g. a logger provider that keeps what was logged).
    /// </summary>
    public static async Task<OnboardingStack> StartAsync(Action<SimulatorOptions>? configure = null, string? seedJson = null, Action<IServiceCollection>? services = null)
    {
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        double clockRate = 1;
        Simulator simulator = await StartSimulatorAsync(
            o =>
            {
                configure?.Invoke(o);
                clockRate = o.ClockRate;
            },
            seedJson);
        MicrosoftCloudOptions cloud = CloudOptions(simulator);
        cloud.AdminConsentRedirectUri = SeededCallback; // no API here: the enterprise path's answers are raised or polled
        string tableName = "Onb" + Guid.NewGuid().ToString("N")[..16]; // each stack its own table: jobs read whole partitions
        MicrosoftCloudResilience fast = new()
        {
            FirstBackoff = TimeSpan.FromMilliseconds(50),
            MaxWait = TimeSpan.FromSeconds(1),
            MaxAttempts = 8,
            Time = clockRate == 1 ? TimeProvider.System : new FastClock(clockRate), // Retry-After in the simulator's time
        };
        Task<DurableTaskTestHost> StartOnAsync(int port) => DurableTaskTestHost.StartAsync(
            tasks => tasks.AddBundleWorkflows(),
            new DurableTaskTestHostOptions
            {
                Port = port,
                ConfigureServices = worker =>
                {
                    worker
                        .AddSingleton(TimeProvider.System)
                        .AddMetrics().AddSingleton<BundleFunctions.Telemetry.OnboardingMetrics>()
                        .AddSingleton<IOnboardingStore>(new TableOnboardingStore(Azurite.Tables(), tableName))
                        .AddSingleton<ILeases>(new TableLeases(Azurite.Tables(), TimeProvider.System, tableName: tableName + "Leases"))
                        .AddMicrosoftCloud(cloud, fast)
                        .AddSingleton<IPartnerReadiness>(sp => new BundleFunctions.Readiness.PartnerReadiness(sp.GetRequiredService<IPartnerFacts>(), null, TimeSpan.FromMinutes(10), TimeProvider.System, sp.GetService<BundleFunctions.Bundle.BundleConfiguration>()));
                    services?.Invoke(worker);
                },
            });

        // A port the OS just handed out may be taken before the test host binds it: a start that fails to bind is made again.
        DurableTaskTestHost? host = null;
        for (int attempt = 1; host is null; attempt++)
        {
            try
            {
                host = await StartOnAsync(LocalHost.LocalHostProcess.FreePort());
            }
            catch (IOException taken) when (attempt < 3 && taken.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }

        HttpClient http = new(new MicrosoftCloudConnection(cloud).CreateHandler()) { BaseAddress = simulator.BaseAddress };
        return new OnboardingStack(simulator, host, http) { TableName = tableName };
    }

    public static OnboardingInput InputFor(Guid customer, string name, WorkflowSettings? settings = null) => new(
        new OnboardingSubject(OnboardingId.For(PartnerTenantId, customer), PartnerTenantId, customer, name, "PSA-1001"),
        new OnboardingRequest(customer, name),
        settings ?? FastSettings);

    public async Task<string> StartAsync(OnboardingInput input) =>
        await this.Client.ScheduleNewOrchestrationInstanceAsync(OnboardCustomerOrchestrator.Name, input, new StartOrchestrationOptions { InstanceId = input.Subject.OnboardingId });

    public async Task<OnboardingRecord> WaitForRecordAsync(string id, Func<OnboardingRecord, bool> condition, int seconds = 180)
    {
        DateTime until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            OnboardingRecord? record = await this.Store.GetAsync(PartnerTenantId, id, default);
            if (record is not null && condition(record))
            {
                return record;
            }

            if (DateTime.UtcNow > until)
            {
                OrchestrationMetadata? instance = await this.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
                throw new TimeoutException($"Not reached in {seconds} s. Record: {record?.Status}/{record?.CurrentStep}: {record?.Steps.FirstOrDefault(s => s.Step == record.CurrentStep)?.Message}. Instance: {instance?.RuntimeStatus} {instance?.FailureDetails} {instance?.SerializedCustomStatus}");
            }

            await Task.Delay(100);
        }
    }

    public async Task<OnboardingOutcome> WaitForOutcomeAsync(string id, int seconds = 240)
    {
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(seconds));
        OrchestrationMetadata done = await this.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, limit.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<OnboardingOutcome>()!;
    }

    /// <summary>The customer's Global Administrator approves in the admin center (the simulator plays them).</summary>
    public async Task ApproveAsync(string relationshipId, Guid customer) =>
        (await this.Http.PostAsJsonAsync($"_sim/relationships/{relationshipId}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();

    /// <summary>The partner terminates a relationship, and waits until Microsoft says it is terminated.</summary>
    public async Task TerminateAsync(string relationshipId)
    {
        Microsoft.Graph.GraphServiceClient graph = this.Services.GetRequiredService<MicrosoftCloudConnection>().GraphFor(PartnerTenantId);
        await graph.TenantRelationships.DelegatedAdminRelationships[relationshipId].Requests.PostAsync(
            new Microsoft.Graph.Models.DelegatedAdminRelationshipRequest { Action = Microsoft.Graph.Models.DelegatedAdminRelationshipRequestAction.Terminate });
        for (int i = 0; i < 100 && (await graph.TenantRelationships.DelegatedAdminRelationships[relationshipId].GetAsync())!.Status != Microsoft.Graph.Models.DelegatedAdminRelationshipStatus.Terminated; i++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// What the simulator must hold after onboarding <paramref name="customers"/>, however many faults were served: the 12
    /// partner groups once, each with the service account; per customer one active relationship with the 12 roles, 12 active
    /// single-role access assignments (one per group) and one consent; relationship names unique. Nothing more.
    /// </summary>
    public Task AssertExactlyTheObjectsOfOnboardingAsync(params Guid[] customers) => AssertExactlyTheObjectsOfOnboardingAsync(this.Http, customers);

    /// <inheritdoc cref="AssertExactlyTheObjectsOfOnboardingAsync(Guid[])"/>
    /// <param name="simulator">Plain HTTP to the simulator's test hooks.</param>
    /// <param name="customers">The customers onboarded.</param>
    public static async Task AssertExactlyTheObjectsOfOnboardingAsync(HttpClient simulator, params Guid[] customers)
    {
        JsonObject state = (await simulator.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        JsonNode[] groups = [.. state["partner"]!["groups"]!.AsArray().Where(g => g!["displayName"]!.GetValue<string>().StartsWith("Acme GDAP-", StringComparison.Ordinal))!];
        Assert.Equal(Gdap.RoleCatalog.BundleRoles.Select(r => $"Acme GDAP-{r.Name}").Order(), groups.Select(g => g["displayName"]!.GetValue<string>()).Order());
        Assert.All(groups, g => Assert.Single(g["members"]!.AsArray(), m => m!.GetValue<string>() == "a1b2c3d4-1111-4a6b-9c1d-000000000001"));

        JsonNode[] relationships = [.. state["relationships"]!.AsArray()!];
        Assert.Equal(customers.Select(c => c.ToString()).Order(), relationships.Select(r => r["customerTenantId"]!.GetValue<string>()).Order());
        Assert.Equal(relationships.Length, relationships.Select(r => r["displayName"]!.GetValue<string>()).Distinct().Count());
        foreach (JsonNode relationship in relationships)
        {
            Assert.Equal(("active", "P730D", "PT0S"), (relationship["status"]!.GetValue<string>(), relationship["duration"]!.GetValue<string>(), relationship["autoExtendDuration"]!.GetValue<string>()));
            Assert.Equal(Gdap.RoleCatalog.BundleRoles.Select(r => r.TemplateId.ToString()).Order(), relationship["roles"]!.AsArray().Select(r => r!.GetValue<string>()).Order());
            JsonNode[] assignments = [.. relationship["accessAssignments"]!.AsArray()!];
            Assert.All(assignments, a => Assert.Equal("active", a!["status"]!.GetValue<string>()));
            Assert.All(assignments, a => Assert.Single(a!["roles"]!.AsArray()));
            Assert.Equal(groups.Select(g => g["id"]!.GetValue<string>()).Order(), assignments.Select(a => a["groupId"]!.GetValue<string>()).Order());
        }

        Assert.Equal(customers.Select(c => c.ToString()).Order(), state["consents"]!.AsArray().Select(c => c!["customerTenantId"]!.GetValue<string>()).Order());
    }

    public async Task<JsonObject> StateAsync() => (await this.Http.GetFromJsonAsync<JsonObject>("_sim/state"))!;

    public async Task<JsonObject> StatsAsync() => (await this.Http.GetFromJsonAsync<JsonObject>("_sim/stats"))!;

    public async Task SetFaultsAsync(object faults) => (await this.Http.PostAsJsonAsync("_sim/faults", faults)).EnsureSuccessStatusCode();

    public async ValueTask DisposeAsync()
    {
        await this.host.DisposeAsync();
        this.Http.Dispose();
        await this.Simulator.DisposeAsync();
    }
}
