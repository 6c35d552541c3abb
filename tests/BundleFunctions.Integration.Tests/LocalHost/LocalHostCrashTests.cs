using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Integration.Tests.Onboarding;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MicrosoftCloudSimulator.Hosting;
using Xunit.Abstractions;

namespace BundleFunctions.Integration.Tests.LocalHost;

/// <summary>
/// kill -9 of the LocalHost at every step of an onboarding talking to the simulator, then a new process on the same task
/// hub: the onboarding still ends green with exactly one onboarding's worth of objects in Microsoft's cloud. The simulator's
/// crash point holds the chosen Microsoft call unanswered (carried out first where the case says so), so the kill falls
/// exactly there and not wherever a poll happened to look.
/// </summary>
public sealed class LocalHostCrashTests(ITestOutputHelper output)
{
    const string Relationships = "/v1.0/tenantRelationships/delegatedAdminRelationships";

    /// <summary>Where the host dies: the Microsoft call held, how many like it pass first, whether it was carried out, and the step it belongs to.</summary>
    public static TheoryData<string, int, bool, OnboardingStep> CrashPoints() => new()
    {
        { "*", 0, false, OnboardingStep.EnsurePartnerGroups }, // Validate → groups: the first call to Microsoft
        { "POST /v1.0/groups", 5, true, OnboardingStep.EnsurePartnerGroups }, // the sixth group created, its answer lost
        { "POST /v1.0/groups/{id}/members/$ref", 3, true, OnboardingStep.EnsurePartnerGroups }, // the fourth membership added, its answer lost
        { $"GET {Relationships}", 0, false, OnboardingStep.CreateRelationship }, // groups → relationship: looking it up by name
        { $"POST {Relationships}", 0, true, OnboardingStep.CreateRelationship }, // the relationship created, its answer lost
        { $"POST {Relationships}/{{id}}/requests", 0, true, OnboardingStep.CreateRelationship }, // locked for approval, its answer lost
        { $"GET {Relationships}/{{id}}/accessAssignments", 0, false, OnboardingStep.CreateAccessAssignments }, // roles verified → assignments
        { $"POST {Relationships}/{{id}}/accessAssignments", 5, true, OnboardingStep.CreateAccessAssignments }, // the sixth assignment created, its answer lost
        { $"GET {Relationships}/{{id}}/accessAssignments", 1, false, OnboardingStep.AwaitAssignmentsActive }, // assignments → waiting for them
        { "POST /partnercenter/v1/customers/{id}/applicationconsents", 0, true, OnboardingStep.ConsentApplication }, // consent granted, its answer lost
        { "GET /v1.0/roleManagement/directory/roleAssignments", 1, false, OnboardingStep.VerifyAccess }, // consent → the access check (the first read is the readiness check's, in the partner tenant)
    };

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task Killed_while_a_call_to_microsoft_is_in_flight_the_onboarding_ends_green_in_a_new_host_with_one_onboardings_objects(string route, int skip, bool applied, OnboardingStep step)
    {
        await using Simulator simulator = await OnboardingStack.StartSimulatorAsync();
        using HttpClient sim = SimulatorHooks(simulator);
        (await sim.PostAsJsonAsync("_sim/crash-point", new { route, skip, apply = applied })).EnsureSuccessStatusCode();
        string taskHub = "crash" + Guid.NewGuid().ToString("N")[..12];
        OnboardingInput input = FreshInput();
        string id = input.Subject.OnboardingId;

        using (LocalHostProcess first = await LocalHostProcess.StartAsync(taskHub, Settings(simulator)))
        {
            await using LocalHostClient client = first.ConnectClient();
            await client.Durable.ScheduleNewOrchestrationInstanceAsync(OnboardCustomerOrchestrator.Name, input, new StartOrchestrationOptions { InstanceId = id });
            await WaitUntilAsync(first, () => ApproveWhenAskedThenCheckHeldAsync(first, sim, id), $"the crash point {route} (skip {skip})");
            OnboardingRecord atKill = (await first.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
            first.KillHard();
            Assert.Equal(step, atKill.CurrentStep);
        }

        (await sim.DeleteAsync("_sim/crash-point")).EnsureSuccessStatusCode(); // the held request's connection is dropped
        await this.FinishInNewHostAsync(taskHub, simulator, sim, id);
    }

    [Fact]
    public async Task Killed_while_waiting_for_the_customer_who_approves_while_no_host_runs_the_onboarding_ends_green_in_a_new_host()
    {
        await using Simulator simulator = await OnboardingStack.StartSimulatorAsync();
        using HttpClient sim = SimulatorHooks(simulator);
        string taskHub = "crash" + Guid.NewGuid().ToString("N")[..12];
        OnboardingInput input = FreshInput();
        string id = input.Subject.OnboardingId;

        OnboardingRecord waiting;
        using (LocalHostProcess first = await LocalHostProcess.StartAsync(taskHub, Settings(simulator)))
        {
            await using LocalHostClient client = first.ConnectClient();
            await client.Durable.ScheduleNewOrchestrationInstanceAsync(OnboardCustomerOrchestrator.Name, input, new StartOrchestrationOptions { InstanceId = id });
            await WaitUntilAsync(first, async () => (await first.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))?.Status == OnboardingStatus.WaitingForCustomer, "waiting for the customer");
            waiting = (await first.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
            first.KillHard();
        }

        // The customer approves now: the webhook has no one to reach, so only the new host's polling can learn it.
        (await sim.PostAsJsonAsync($"_sim/relationships/{waiting.RelationshipId}/approve", new { customerTenantId = OnboardingStack.Fabrikam })).EnsureSuccessStatusCode();
        await this.FinishInNewHostAsync(taskHub, simulator, sim, id);

        Assert.Equal(OnboardingStep.AwaitCustomerApproval, waiting.CurrentStep);
    }

    /// <summary>
    /// The developer's settings, with seconds for what is minutes in Azure: a crashed host's dequeued work reappears after
    /// 10 s (5 minutes in Functions) and the partner groups' lease it held expires after 5 s (2 minutes), shorter than the
    /// visibility so the new host's activity never outlives its message's invisibility while it waits for the lease.
    /// </summary>
    static Dictionary<string, string> Settings(Simulator simulator) =>
        new(OnboardingStack.LocalHostSettings(simulator)) { ["LocalHost__QueueVisibilityTimeout"] = "00:00:10", ["Tables__LeaseExpiry"] = "00:00:05" };

    static HttpClient SimulatorHooks(Simulator simulator) =>
        new(new MicrosoftCloudConnection(OnboardingStack.CloudOptions(simulator)).CreateHandler()) { BaseAddress = simulator.BaseAddress };

    /// <summary>Fabrikam, under a fresh onboarding ID: the LocalHost's tables outlive a run, its task hub does not.</summary>
    static OnboardingInput FreshInput() => OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd") with
    {
        Subject = new OnboardingSubject($"onb-crash-{Guid.NewGuid():N}", OnboardingStack.PartnerTenantId, OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd", null),
    };

    /// <summary>Plays the customer (approves once asked) and answers whether the crash point holds a request.</summary>
    static async Task<bool> ApproveWhenAskedThenCheckHeldAsync(LocalHostProcess host, HttpClient sim, string id)
    {
        JsonObject point = (await sim.GetFromJsonAsync<JsonObject>("_sim/crash-point"))!;
        if (point["held"] is not null)
        {
            return true;
        }

        OnboardingRecord? record = await host.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default);
        if (record is { Status: OnboardingStatus.WaitingForCustomer, RelationshipId: { } relationship })
        {
            await sim.PostAsJsonAsync($"_sim/relationships/{relationship}/approve", new { customerTenantId = OnboardingStack.Fabrikam }); // 409 once approved: fine
        }

        return false;
    }

    static async Task WaitUntilAsync(LocalHostProcess host, Func<Task<bool>> condition, string what)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(180))
            {
                throw new TimeoutException($"Not reached: {what}.\n{host.Output}");
            }

            await Task.Delay(100);
        }
    }

    async Task FinishInNewHostAsync(string taskHub, Simulator simulator, HttpClient sim, string id)
    {
        Stopwatch sinceRestart = Stopwatch.StartNew();
        using LocalHostProcess second = await LocalHostProcess.StartAsync(taskHub, Settings(simulator));
        await using LocalHostClient client = second.ConnectClient();
        await WaitUntilAsync(second, async () => await ApproveWhenAskedThenCheckHeldAsync(second, sim, id) || (await client.Durable.GetInstanceAsync(id))?.IsCompleted == true, "the end of the onboarding");
        OrchestrationMetadata done = (await client.Durable.GetInstanceAsync(id, getInputsAndOutputs: true))!;
        output.WriteLine($"Restart to completion: {sinceRestart.Elapsed.TotalSeconds:0.0} s");
        OnboardingOutcome outcome = done.ReadOutputAs<OnboardingOutcome>()!;
        OnboardingRecord record = (await second.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;
        Assert.True(
            (outcome.Status, outcome.Shield) == (OnboardingStatus.Succeeded, Shield.Green),
            $"{outcome.Status} {outcome.Shield}: {string.Join("; ", record.Steps.Select(s => $"{s.Step} {s.Status} x{s.Attempts}: {s.Message}"))}\n{second.Output}");
        await OnboardingStack.AssertExactlyTheObjectsOfOnboardingAsync(sim, OnboardingStack.Fabrikam);
    }
}
