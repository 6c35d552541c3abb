using System.Net;
using MicrosoftCloudSimulator.Control;
using MicrosoftCloudSimulator.Graph;
using MicrosoftCloudSimulator.KeyVault;
using MicrosoftCloudSimulator.Login;
using MicrosoftCloudSimulator.PartnerCenter;
using MicrosoftCloudSimulator.State;
using MicrosoftCloudSimulator.Webhooks;

namespace MicrosoftCloudSimulator.Hosting;

/// <summary>A running simulator: its address, the certificate thumbprint to pin, and its services.</summary>
public sealed class Simulator : IAsyncDisposable
{
    readonly WebApplication app;

    Simulator(WebApplication app, string baseAddress)
    {
        this.app = app;
        this.BaseAddress = new Uri(baseAddress);
    }

    /// <summary>E.g. <c>https://127.0.0.1:7443/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Thumbprint of the HTTPS certificate; clients pin it.</summary>
    public string Thumbprint => this.Services.GetRequiredService<SimulatorCertificates>().HttpsThumbprint;

    /// <summary>Thumbprint of the Partner Center webhook-signing certificate (a receiver's trust anchor in development).</summary>
    public string WebhookSigningThumbprint => this.Services.GetRequiredService<SimulatorCertificates>().WebhookSigning.Thumbprint;

    public IServiceProvider Services => this.app.Services;

    public SimulatedCloud Cloud => this.Services.GetRequiredService<SimulatedCloud>();

    /// <summary>Builds and starts the simulator on 127.0.0.1 (port 0 picks a free one).</summary>
    /// <param name="args">Command-line arguments (configuration).</param>
    /// <param name="configure">Adjusts the options after configuration is read (tests shorten delays here).</param>
    /// <param name="seedJson">Seed to load instead of the seed file.</param>
    public static async Task<Simulator> StartAsync(string[] args, Action<SimulatorOptions>? configure = null, string? seedJson = null)
    {
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        SimulatorOptions options = builder.Configuration.GetSection(SimulatorOptions.Section).Get<SimulatorOptions>() ?? new();
        if (options.Profile == "realistic")
        {
            options.UseRealisticTimings();
        }

        configure?.Invoke(options);

        SimulatorCertificates certificates = new();
        if (options.CertificateFile is { Length: > 0 } pemFile)
        {
            await File.WriteAllTextAsync(pemFile, certificates.Https.ExportCertificatePem());
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(certificates);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SimulatedClock>();
        builder.Services.AddSingleton<SimulatedCloud>();
        builder.Services.AddSingleton<AccessTokens>();
        builder.Services.AddSingleton<CrashPoint>();
        builder.Services.AddSingleton<Traffic>();
        builder.Services.AddSingleton<SimulatedVault>();
        builder.Services.AddSingleton<SimulatorEndpoint>();
        builder.Services.AddSingleton<WebhookDelivery>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<WebhookDelivery>());
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.Never);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificates.Https)));

        WebApplication app = builder.Build();
        app.UseRouting();
        Traffic traffic = app.Services.GetRequiredService<Traffic>();
        app.Use((http, next) => traffic.InvokeAsync(http, _ => next()));
        app.MapLogin();
        app.MapAdminConsent();
        app.MapAuthorizationCodes();
        RouteGroupBuilder graph = app.MapGroup("/v1.0").RequireToken(AccessTokens.GraphAudience);
        graph.MapDirectory();
        graph.MapApplications();
        graph.MapRelationships();
        graph.MapCustomerTenant();
        app.MapGroup("/partnercenter").RequireToken(AccessTokens.PartnerCenterAudience).MapPartnerCenter();
        app.MapKeyVault();
        app.MapControl();

        string seed = seedJson ?? await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, options.SeedFile));
        app.Services.GetRequiredService<SimulatedCloud>().Load(seed);

        await app.StartAsync();
        string address = app.Urls.Single().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        app.Services.GetRequiredService<SimulatorEndpoint>().BaseAddress = address.TrimEnd('/');
        return new Simulator(app, address.TrimEnd('/') + "/");
    }

    public Task WaitForShutdownAsync() => this.app.WaitForShutdownAsync();

    public async ValueTask DisposeAsync()
    {
        SimulatorCertificates certificates = this.Services.GetRequiredService<SimulatorCertificates>();
        await this.app.StopAsync();
        await this.app.DisposeAsync();
        certificates.Dispose();
    }
}
