using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Infrastructure.Storage;
using BundleFunctions.Integration.Tests.Onboarding;
using BundleFunctions.Onboarding;
using BundleFunctions.Orchestrators;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using MicrosoftCloudSimulator.Hosting;
using Xunit.Abstractions;

namespace BundleFunctions.Integration.Tests.LocalHost;

/// <summary>The LocalHost process, configured like a developer would configure it, onboarding a customer of the simulator.</summary>
public sealed class LocalHostOnboardingTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("a client secret")]
    [InlineData("a certificate")] // what infra deploys: a Key Vault certificate, no secret
    public async Task The_localhost_onboards_a_customer_to_a_green_shield_on_the_azure_storage_provider_signing_in_with(string credential)
    {
        await using Simulator simulator = await OnboardingStack.StartSimulatorAsync();
        MicrosoftCloudOptions cloud = OnboardingStack.CloudOptions(simulator);
        Dictionary<string, string> settings = OnboardingStack.LocalHostSettings(simulator);
        if (credential == "a certificate")
        {
            using X509Certificate2 certificate = AppCertificate();
            using HttpClient hooks = new(new MicrosoftCloudConnection(cloud).CreateHandler()) { BaseAddress = simulator.BaseAddress };
            (await hooks.PostAsync($"_sim/apps/{cloud.ClientId}/certificates", System.Net.Http.Json.JsonContent.Create(new { certificate = Convert.ToBase64String(certificate.RawData) }))).EnsureSuccessStatusCode();
            settings.Remove("MicrosoftCloud__ClientSecret");
            settings["MicrosoftCloud__ClientCertificate"] = Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12));
        }

        using LocalHostProcess host = await LocalHostProcess.StartAsync("e2e" + Guid.NewGuid().ToString("N")[..12], settings);
        await using LocalHostClient connected = host.ConnectClient();
        DurableTaskClient client = connected.Durable;
        TableOnboardingStore store = host.Store;
        Guid partner = OnboardingStack.PartnerTenantId;

        // A fresh customer row per run: the onboarding ID is per partner+customer, and the Fabrikam row may exist from earlier runs.
        OnboardingInput input = OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd") with
        {
            Subject = new OnboardingSubject($"onb-e2e-{Guid.NewGuid():N}", partner, OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd", null),
        };
        Stopwatch total = Stopwatch.StartNew();
        await client.ScheduleNewOrchestrationInstanceAsync(OnboardCustomerOrchestrator.Name, input, new StartOrchestrationOptions { InstanceId = input.Subject.OnboardingId });
        OnboardingRecord waiting = await WaitAsync(() => store.GetAsync(partner, input.Subject.OnboardingId, default), r => r?.Status == OnboardingStatus.WaitingForCustomer, host);
        using HttpClient sim = new(new MicrosoftCloudConnection(cloud).CreateHandler()) { BaseAddress = simulator.BaseAddress };
        (await sim.PostAsync($"_sim/relationships/{waiting.RelationshipId}/approve", System.Net.Http.Json.JsonContent.Create(new { customerTenantId = OnboardingStack.Fabrikam }))).EnsureSuccessStatusCode();
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(240));
        OrchestrationMetadata done;
        try
        {
            done = await client.WaitForInstanceCompletionAsync(input.Subject.OnboardingId, getInputsAndOutputs: true, limit.Token);
        }
        catch (OperationCanceledException)
        {
            OrchestrationMetadata? now = await client.GetInstanceAsync(input.Subject.OnboardingId, getInputsAndOutputs: true);
            OnboardingRecord? record = await store.GetAsync(partner, input.Subject.OnboardingId, default);
            throw new TimeoutException($"Onboarding: {now?.RuntimeStatus} {now?.SerializedCustomStatus} {now?.FailureDetails}; record: {record?.Status} {record?.CurrentStep}\n{host.Output}");
        }

        output.WriteLine($"LocalHost onboarding, start to green: {total.Elapsed.TotalSeconds:0.0} s");

        OnboardingOutcome outcome = done.ReadOutputAs<OnboardingOutcome>()!;
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        JsonObject state = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<JsonObject>(sim, "_sim/state"))!;
        Assert.Equal(12, state["relationships"]![0]!["accessAssignments"]!.AsArray().Count(a => a!["status"]!.GetValue<string>() == "active"));
        Assert.Single(state["consents"]!.AsArray());
    }

    static X509Certificate2 AppCertificate()
    {
        using RSA key = RSA.Create(2048);
        CertificateRequest request = new("CN=BundleFunctions app credential", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
    }

    static async Task<OnboardingRecord> WaitAsync(Func<Task<OnboardingRecord?>> read, Func<OnboardingRecord?, bool> condition, LocalHostProcess host)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (true)
        {
            OnboardingRecord? record = await read();
            if (condition(record))
            {
                return record!;
            }

            if (waited.Elapsed > TimeSpan.FromSeconds(180))
            {
                throw new TimeoutException($"Not reached: {record?.Status} at {record?.CurrentStep}: {record?.Steps.FirstOrDefault(s => s.Step == record.CurrentStep)?.Message}\n{host.Output}");
            }

            await Task.Delay(200);
        }
    }
}
