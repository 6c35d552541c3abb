using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Integration.Tests.LocalHost;
using BundleFunctions.Integration.Tests.Onboarding;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>A simulator and a LocalHost wired to it like a developer would wire them, shared by the API specifications.</summary>
public class PublicApiStack : IAsyncLifetime
{
    public const string FunctionKey = "test-function-key-0123456789";

    public Simulator Simulator { get; private set; } = null!;

    public LocalHostProcess Host { get; private set; } = null!;

    /// <summary>HTTP to the LocalHost's API, with the function key.</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>HTTP to the LocalHost's API as a system signed in with the Administrator role (no function key).</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>HTTP to the simulator, trusting only its certificate.</summary>
    public HttpClient Sim { get; private set; } = null!;

    public Uri WebhookUrl => new($"http://127.0.0.1:{this.Host.ApiPort}/api/webhooks/partner-center");

    /// <summary>The simulated cloud's customers: the shipped ones and eight plain ones.</summary>
    protected virtual string SeedJson => GeneratedSeed.With(8);

    /// <summary>Settings of this stack's LocalHost beyond the shared ones.</summary>
    protected virtual IReadOnlyDictionary<string, string> MoreSettings => new Dictionary<string, string>();

    public async Task InitializeAsync()
    {
        this.Simulator = await OnboardingStack.StartSimulatorAsync(seedJson: this.SeedJson);
        MicrosoftCloudOptions cloud = OnboardingStack.CloudOptions(this.Simulator);
        this.Sim = new HttpClient(new MicrosoftCloudConnection(cloud).CreateHandler()) { BaseAddress = this.Simulator.BaseAddress };
        using X509Certificate2 signing = X509CertificateLoader.LoadCertificate(await this.Sim.GetByteArrayAsync("cert/pcnotifications-dispatch.microsoft.com.cer"));

        Dictionary<string, string> settings = OnboardingStack.LocalHostSettings(this.Simulator);
        foreach ((string name, string value) in new Dictionary<string, string>
        {
            ["Api__FunctionKey"] = FunctionKey,
            ["Api__SignInAppId"] = SignIn.ApiAppId,
            ["MICROSOFT_PROVIDER_AUTHENTICATION_SECRET"] = "sim-only-api-secret", // the API app's own, as App Service authentication holds it
            ["Api__WebhookCertificateHosts__0"] = this.Simulator.BaseAddress.Authority,
            ["Api__WebhookTrustAnchorThumbprint"] = signing.Thumbprint,
            ["Workflow__GroupPrefix"] = "Acme",
            ["Api__FinishingGrace"] = "00:00:03", // a run's last turn takes up to a queue poll (1 s) and a replay
            ["Workflow__ApprovalFirstPoll"] = "00:10:00", // no poll during a test: only the webhook can report the approval
            ["Workflow__ApprovalMaxPoll"] = "00:30:00",
            ["Workflow__FollowUpFirstPoll"] = "00:00:00.200",
            ["Workflow__BatchConcurrency"] = "3",
            ["Workflow__BatchPoll"] = "00:00:01",
        })
        {
            settings[name] = value;
        }

        foreach ((string name, string value) in this.MoreSettings)
        {
            settings[name] = value;
        }

        this.Host = await LocalHostProcess.StartAsync("api" + Guid.NewGuid().ToString("N")[..12], settings);
        this.Api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{this.Host.ApiPort}/") };
        this.Api.DefaultRequestHeaders.Add("x-functions-key", FunctionKey);
        this.Admin = SignIn.Client(this.Api.BaseAddress, await SignIn.SystemTokenAsync(this.Sim, SignIn.AutomationAdministrator));
    }

    public async Task DisposeAsync()
    {
        this.Api.Dispose();
        this.Admin.Dispose();
        this.Host.Dispose();
        this.Sim.Dispose();
        await this.Simulator.DisposeAsync();
    }

    /// <summary>Follows the <c>Location</c> of an accepted request until its document satisfies <paramref name="until"/> (3 minutes at most).</summary>
    public async Task<JsonObject> FollowAsync(HttpResponseMessage submitted, Func<JsonObject, bool> until)
    {
        string location = submitted.Headers.Location?.OriginalString.TrimStart('/') ?? throw new InvalidOperationException(await submitted.Content.ReadAsStringAsync());
        DateTime deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            JsonObject document = (await this.Api.GetFromJsonAsync<JsonObject>(location))!;
            if (until(document))
            {
                return document;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Not reached in 3 minutes: {document.ToJsonString()}");
            }

            await Task.Delay(250);
        }
    }

    public async Task<JsonObject> SimStatsAsync() => (await this.Sim.GetFromJsonAsync<JsonObject>("_sim/stats"))!;

    /// <summary>Registers the LocalHost's receiver with the simulated Partner Center, as an operator would.</summary>
    public async Task RegisterWebhookAsync(Uri url, params string[] events)
    {
        using MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(this.Simulator));
        Azure.Core.AccessToken token = await connection.ServiceAccount.GetTokenAsync(new Azure.Core.TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default);
        foreach (HttpMethod method in new[] { HttpMethod.Post, HttpMethod.Put })
        {
            using HttpRequestMessage request = new(method, "partnercenter/webhooks/v1/registration") { Content = JsonContent.Create(new { WebhookUrl = url, WebhookEvents = events }) };
            request.Headers.Authorization = new("Bearer", token.Token);
            if ((await this.Sim.SendAsync(request)).IsSuccessStatusCode)
            {
                return;
            }
        }

        throw new InvalidOperationException("The webhook could not be registered.");
    }
}
