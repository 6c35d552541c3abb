using System.Net;
using System.Net.Sockets;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Core.Tests.Orchestrators;

/// <summary>The real orchestrator and activities on the in-memory Durable Task backend, with in-memory ports.</summary>
public sealed class WorkflowHost : IAsyncDisposable
{
    public static readonly Guid PartnerTenantId = Guid.Parse("11111111-1111-1111-1111-111111111111");

    /// <summary>Seconds instead of days, so the real timers run in a test.</summary>
    public static readonly WorkflowSettings FastSettings = new(
        GroupPrefix: "Acme",
        Approval: new Polling(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30)),
        Activation: new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
        Assignments: new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
        Consent: new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10)),
        Verification: new Polling(TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)),
        OperatorDecisionTimeout: TimeSpan.FromSeconds(30),
        ActivityRetry: new ActivityRetrySettings(MaxAttempts: 4, FirstRetryInterval: TimeSpan.FromMilliseconds(200), BackoffCoefficient: 1.5, MaxRetryInterval: TimeSpan.FromSeconds(1)));

    readonly DurableTaskTestHost host;

    WorkflowHost(DurableTaskTestHost host) => this.host = host;

    public DurableTaskClient Client => this.host.Client;

    public InMemoryOnboardingStore Store => this.host.Services.GetRequiredService<InMemoryOnboardingStore>();

    public InMemoryPartnerDirectory Directory => this.host.Services.GetRequiredService<InMemoryPartnerDirectory>();

    public InMemoryRelationships Relationships => this.host.Services.GetRequiredService<InMemoryRelationships>();

    public InMemoryCustomerAccess Customers => this.host.Services.GetRequiredService<InMemoryCustomerAccess>();

    public InMemoryOperationsAudit OperationsAudit => this.host.Services.GetRequiredService<InMemoryOperationsAudit>();

    public InMemoryPartnerFacts PartnerSetup => this.host.Services.GetRequiredService<InMemoryPartnerFacts>();

    public static async Task<WorkflowHost> StartAsync()
    {
        Environment.SetEnvironmentVariable("Logging__LogLevel__Default", "Warning");
        // The test host binds the port it is given; one the OS just handed out may still be taken before it binds, so a
        // start that fails to bind is made again on another.
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return new WorkflowHost(await StartOnAsync(FreePort()));
            }
            catch (IOException taken) when (attempt < 3 && taken.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
            }
        }
    }

    static async Task<DurableTaskTestHost> StartOnAsync(int port) =>
        await DurableTaskTestHost.StartAsync(
            tasks => tasks.AddBundleWorkflows(),
            new DurableTaskTestHostOptions
            {
                Port = port,
                ConfigureServices = services => services
                    .AddSingleton(TimeProvider.System)
                    .AddMetrics().AddSingleton<Telemetry.OnboardingMetrics>()
                    .AddSingleton<InMemoryOnboardingStore>().AddSingleton<IOnboardingStore>(sp => sp.GetRequiredService<InMemoryOnboardingStore>())
                    .AddSingleton<InMemoryPartnerDirectory>().AddSingleton<IPartnerDirectory>(sp => sp.GetRequiredService<InMemoryPartnerDirectory>())
                    .AddSingleton<ILeases, InMemoryLeases>()
                    .AddSingleton<InMemoryRelationships>().AddSingleton<IGdapRelationships>(sp => sp.GetRequiredService<InMemoryRelationships>())
                    .AddSingleton<InMemoryCustomerAccess>().AddSingleton<ICustomerAccess>(sp => sp.GetRequiredService<InMemoryCustomerAccess>())
                    .AddSingleton<InMemoryOperationsAudit>().AddSingleton<IOperationsAudit>(sp => sp.GetRequiredService<InMemoryOperationsAudit>())
                    .AddSingleton<InMemoryPartnerFacts>().AddSingleton<IPartnerFacts>(sp => sp.GetRequiredService<InMemoryPartnerFacts>())
                    .AddSingleton<IPartnerReadiness>(sp => new BundleFunctions.Readiness.PartnerReadiness(sp.GetRequiredService<IPartnerFacts>(), null, TimeSpan.Zero, TimeProvider.System)),
            });

    public static OnboardingInput InputFor(OnboardingRequest request, WorkflowSettings? settings = null) => new(
        new OnboardingSubject(OnboardingId.For(PartnerTenantId, request.CustomerTenantId), PartnerTenantId, request.CustomerTenantId, request.CustomerName, request.OrganizationId),
        request,
        settings ?? FastSettings);

    public async Task<string> StartAsync(OnboardingInput input) =>
        await this.Client.ScheduleNewOrchestrationInstanceAsync(OnboardCustomerOrchestrator.Name, input, new StartOrchestrationOptions { InstanceId = input.Subject.OnboardingId });

    /// <summary>Waits until the stored onboarding satisfies <paramref name="condition"/>.</summary>
    public async Task<OnboardingRecord> WaitForRecordAsync(string onboardingId, Func<OnboardingRecord, bool> condition, int seconds = 30)
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(seconds));
        while (true)
        {
            OnboardingRecord? record = await this.Store.GetAsync(PartnerTenantId, onboardingId, CancellationToken.None);
            if (record is not null && condition(record))
            {
                return record;
            }

            if (timeout.IsCancellationRequested)
            {
                // Say where the instance stands: a failed orchestrator is otherwise just a timeout.
                OrchestrationMetadata? instance = await this.Client.GetInstanceAsync(onboardingId, getInputsAndOutputs: true);
                throw new TimeoutException($"Condition not met in {seconds} s. Instance: {instance?.RuntimeStatus} {instance?.FailureDetails} {instance?.SerializedCustomStatus}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    public async Task<OnboardingOutcome> WaitForOutcomeAsync(string instanceId, int seconds = 30)
    {
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(seconds));
        OrchestrationMetadata done = await this.Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, timeout.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        return done.ReadOutputAs<OnboardingOutcome>()!;
    }

    public ValueTask DisposeAsync() => this.host.DisposeAsync();

    static int FreePort()
    {
        using TcpListener listener = new(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
