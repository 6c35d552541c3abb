using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using Microsoft.Graph;
using MicrosoftCloudSimulator.Hosting;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>A simulator on a free loopback port with short delays, and clients made the production way.</summary>
public sealed class SimulatorTestBed : IAsyncLifetime
{
    public static readonly Guid PartnerTenantId = Guid.Parse("7f5b1c2e-0000-4a6b-9c1d-5e2f3a4b5c6d");
    public static readonly Guid AppId = Guid.Parse("b7a1c3e5-3333-4a6b-9c1d-000000000001");
    public static readonly Guid ServiceAccountId = Guid.Parse("a1b2c3d4-1111-4a6b-9c1d-000000000001");
    public static readonly Guid Fabrikam = Guid.Parse("c0000001-0000-4000-8000-000000000001");
    public static readonly Guid Northwind = Guid.Parse("c0000002-0000-4000-8000-000000000002");
    public static readonly Guid Tailspin = Guid.Parse("c0000003-0000-4000-8000-000000000003");
    public static readonly Guid Woodgrove = Guid.Parse("c0000004-0000-4000-8000-000000000004");
    public const string ServiceAccountRefreshToken = "sim-refresh-token-svc-bundle";
    public const string Exchange = "29232cdf-9323-42fd-ade2-1d097af3e4de";
    public const string UserAdmin = "fe930be7-5e62-47db-91af-98c3a49a38b1";
    public const string GlobalAdmin = "62e90394-69f5-4237-9190-012177145e10";

    /// <summary>Changes to the test timings, for a specification that needs a delay of its own.</summary>
    public Action<SimulatorOptions>? Configure { get; init; }

    public Simulator Simulator { get; private set; } = null!;

    public MicrosoftCloudConnection Connection { get; private set; } = null!;

    /// <summary>Plain HTTP to the simulator (Partner Center, /_sim, raw Graph), trusting only its certificate.</summary>
    public HttpClient Http { get; private set; } = null!;

    public GraphServiceClient PartnerGraph => this.Connection.GraphFor(PartnerTenantId);

    public async Task InitializeAsync()
    {
        this.Simulator = await Simulator.StartAsync(["--Simulator:Port=0"], o =>
        {
            o.ApprovedToActivating = TimeSpan.FromMilliseconds(100);
            o.ActivatingToActive = TimeSpan.FromMilliseconds(100);
            o.AssignmentActivation = TimeSpan.FromMilliseconds(150);
            o.Deprovisioning = TimeSpan.FromMilliseconds(50);
            o.TickInterval = TimeSpan.FromMilliseconds(20);
            o.WebhookRetryInterval = TimeSpan.FromMilliseconds(100);
            this.Configure?.Invoke(o);
        });
        this.Connection = new MicrosoftCloudConnection(this.Options());
        this.Http = new HttpClient(this.Connection.CreateHandler()) { BaseAddress = this.Simulator.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        this.Http.Dispose();
        this.Connection.Dispose();
        await this.Simulator.DisposeAsync();
    }

    public MicrosoftCloudOptions Options(string? secret = "sim-only-client-secret") => new()
    {
        PartnerTenantId = PartnerTenantId,
        ClientId = AppId,
        ClientSecret = secret,
        ServiceAccountRefreshToken = ServiceAccountRefreshToken,
        AuthorityHost = this.Simulator.BaseAddress,
        GraphBaseUrl = new Uri(this.Simulator.BaseAddress, "v1.0"),
        PartnerCenterBaseUrl = new Uri(this.Simulator.BaseAddress, "partnercenter"),
        PinnedCertificateThumbprint = this.Simulator.Thumbprint,
    };

    /// <summary>A token for the partner's service account (App+User), as Partner Center's consent API needs.</summary>
    public async Task<string> DelegatedTokenAsync(Guid tenantId, string scope)
    {
        using HttpResponseMessage response = await this.Http.PostAsync($"{tenantId}/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = AppId.ToString(),
            ["client_secret"] = "sim-only-client-secret",
            ["refresh_token"] = ServiceAccountRefreshToken,
            ["scope"] = scope,
        }));
        JsonObject body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        return body["access_token"]?.GetValue<string>() ?? throw new InvalidOperationException(body.ToJsonString());
    }

    /// <summary>Sends a Partner Center request with a delegated (default) or app-only token.</summary>
    public async Task<HttpResponseMessage> PartnerCenterAsync(HttpMethod method, string path, object? body = null, bool appOnly = false)
    {
        string token = appOnly
            ? (await this.Connection.CredentialFor(PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), default)).Token
            : await this.DelegatedTokenAsync(PartnerTenantId, MicrosoftCloudOptions.PartnerCenterScope);
        HttpRequestMessage request = new(method, "partnercenter/" + path.TrimStart('/')) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        return await this.Http.SendAsync(request);
    }

    /// <summary>Signs the service account in to a tenant; "ok", or the AADSTS error that refused it.</summary>
    public async Task<string> TrySignInAsync(Guid tenantId)
    {
        try
        {
            await this.DelegatedTokenAsync(tenantId, MicrosoftCloudOptions.GraphScope);
            return "ok";
        }
        catch (InvalidOperationException refused)
        {
            return refused.Message;
        }
    }

    public Task<HttpResponseMessage> SimAsync(HttpMethod method, string path, object? body = null) =>
        this.Http.SendAsync(new HttpRequestMessage(method, "_sim/" + path.TrimStart('/')) { Content = body is null ? null : JsonContent.Create(body) });

    public async Task<JsonObject> StatsAsync() => (await this.Http.GetFromJsonAsync<JsonObject>("_sim/stats"))!;

    /// <summary>Polls until <paramref name="condition"/> holds (timed transitions run on the simulator's clock).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, int seconds = 10)
    {
        DateTime until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            T value = await read();
            if (condition(value) || DateTime.UtcNow > until)
            {
                return value;
            }

            await Task.Delay(25);
        }
    }
}

/// <summary>For tests that change or count global simulator state: a fresh simulator per test (xunit makes one instance per test).</summary>
public abstract class OwnSimulator(Action<SimulatorOptions>? configure = null) : IAsyncLifetime
{
    protected SimulatorTestBed Bed { get; } = new() { Configure = configure };

    public Task InitializeAsync() => this.Bed.InitializeAsync();

    public Task DisposeAsync() => this.Bed.DisposeAsync();
}
