using System.Diagnostics;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace BundleFunctions.Integration.Tests.LocalHost;

public sealed class LocalHostDurabilityTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_onboarding_waiting_in_a_killed_host_finishes_in_a_new_host_without_rerunning_its_activities()
    {
        string taskHub = "dur" + Guid.NewGuid().ToString("N")[..12];
        Guid partner = Guid.NewGuid();
        OnboardingRequest request = new(Guid.NewGuid(), "Durable Dental Group");
        OnboardingInput input = new(
            new OnboardingSubject(OnboardingId.For(partner, request.CustomerTenantId), partner, request.CustomerTenantId, request.CustomerName, null),
            request,
            WorkflowSettings.Default with { OperatorDecisionTimeout = TimeSpan.FromMinutes(30) });
        string id = input.Subject.OnboardingId;

        // First host: with no Microsoft cloud configured, the groups step fails and the onboarding waits for an operator.
        using (LocalHostProcess first = await LocalHostProcess.StartAsync(taskHub))
        {
            await using LocalHostClient client = first.ConnectClient();
            await client.Durable.ScheduleNewOrchestrationInstanceAsync(OnboardCustomerOrchestrator.Name, input, new StartOrchestrationOptions { InstanceId = id });
            await WaitUntilAsync(async () => (await client.Durable.GetInstanceAsync(id, getInputsAndOutputs: true))?.SerializedCustomStatus?.Contains("operator retry or cancel", StringComparison.Ordinal) == true, first);
            first.KillHard();
        }

        // Second host, new process, same task hub: the waiting instance is still there and reacts to the cancel.
        Stopwatch sinceRestart = Stopwatch.StartNew();
        using LocalHostProcess second = await LocalHostProcess.StartAsync(taskHub);
        await using LocalHostClient again = second.ConnectClient();
        await again.Durable.RaiseEventAsync(id, OnboardingEvents.CancelRequested, new OperatorDecision("durability-test"));
        using CancellationTokenSource limit = new(TimeSpan.FromMinutes(2));
        OrchestrationMetadata done = await again.Durable.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, limit.Token);
        output.WriteLine($"Restart to completion: {sinceRestart.Elapsed.TotalSeconds:0.0} s");

        Assert.Equal(OnboardingStatus.Cancelled, done.ReadOutputAs<OnboardingOutcome>()!.Status);
        OnboardingRecord record = (await second.Store.GetAsync(partner, id, default))!;
        Assert.Equal((StepStatus.Succeeded, 1), (record.Steps[0].Status, record.Steps[0].Attempts));
        Assert.Equal(
            (StepStatus.Failed, 1, $"Partner readiness check microsoftCloudConnection fails: The deployment has no usable Microsoft cloud connection. Fix: {MicrosoftCloudNotConfigured.NoConnection}"),
            (record.Steps[1].Status, record.Steps[1].Attempts, record.Steps[1].Message));
        IReadOnlyList<AuditLine> trail = await second.Store.GetAuditTrailAsync(partner, id, default);
        Assert.Equal(
            ["Validate Running, onboarding Running", "Validate Succeeded", "EnsurePartnerGroups Running", "EnsurePartnerGroups Failed, onboarding Failed", "onboarding Cancelled"],
            trail.Select(l => l.What));
    }

    [Fact]
    public async Task The_purge_job_removes_finished_history_older_than_the_retention_and_keeps_the_onboarding_row_and_every_running_instance()
    {
        using LocalHostProcess host = await LocalHostProcess.StartAsync("purge" + Guid.NewGuid().ToString("N")[..12]);
        await using LocalHostClient client = host.ConnectClient();
        Guid partner = Guid.NewGuid();
        OnboardingRequest invalid = new(Guid.NewGuid(), "Purged Ltd", DurationDays: 0); // ends at Validate, at once
        OnboardingInput input = new(new OnboardingSubject(OnboardingId.For(partner, invalid.CustomerTenantId), partner, invalid.CustomerTenantId, invalid.CustomerName, null), invalid, WorkflowSettings.Default);
        await client.Durable.ScheduleNewOrchestrationInstanceAsync(OnboardCustomerOrchestrator.Name, input, new StartOrchestrationOptions { InstanceId = input.Subject.OnboardingId });
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(180));
        await client.Durable.WaitForInstanceCompletionAsync(input.Subject.OnboardingId, limit.Token);

        // Without a Microsoft cloud this one fails at the groups step and waits for the operator: running, for days.
        OnboardingRequest valid = new(Guid.NewGuid(), "Waiting Ltd");
        OnboardingInput waitingInput = new(new OnboardingSubject(OnboardingId.For(partner, valid.CustomerTenantId), partner, valid.CustomerTenantId, valid.CustomerName, null), valid, WorkflowSettings.Default);
        await client.Durable.ScheduleNewOrchestrationInstanceAsync(OnboardCustomerOrchestrator.Name, waitingInput, new StartOrchestrationOptions { InstanceId = waitingInput.Subject.OnboardingId });
        await WaitUntilAsync(async () => (await host.Store.GetAsync(partner, waitingInput.Subject.OnboardingId, default))?.Status == OnboardingStatus.Failed, host);
        MicrosoftCloudNotConfigured cloud = new(MicrosoftCloudNotConfigured.NoConnection);

        int kept = (await new BundleFunctions.Api.ScheduledJobs(client.Durable, host.Store, cloud, cloud, cloud, new BundleFunctions.Ports.PartnerTenant(partner), TimeProvider.System, new BundleFunctions.Api.JobOptions { HistoryRetention = TimeSpan.FromDays(1) }).PurgeHistoryAsync(default)).Acted;
        int purged = (await new BundleFunctions.Api.ScheduledJobs(client.Durable, host.Store, cloud, cloud, cloud, new BundleFunctions.Ports.PartnerTenant(partner), TimeProvider.System, new BundleFunctions.Api.JobOptions { HistoryRetention = TimeSpan.FromSeconds(-5) }).PurgeHistoryAsync(default)).Acted;

        Assert.Equal(0, kept);
        Assert.True(purged >= 1);
        Assert.Null(await client.Durable.GetInstanceAsync(input.Subject.OnboardingId));
        Assert.Equal(OnboardingStatus.Failed, (await host.Store.GetAsync(partner, input.Subject.OnboardingId, default))!.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.Durable.GetInstanceAsync(waitingInput.Subject.OnboardingId))?.RuntimeStatus);
    }

    static async Task WaitUntilAsync(Func<Task<bool>> condition, LocalHostProcess host)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(180))
            {
                throw new TimeoutException("The onboarding did not reach the expected state:\n" + host.Output);
            }

            await Task.Delay(200);
        }
    }
}
