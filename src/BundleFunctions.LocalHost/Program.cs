using BundleFunctions.Api;
using BundleFunctions.Infrastructure;
using BundleFunctions.Infrastructure.Settings;
using BundleFunctions.LocalHost.Durable;
using BundleFunctions.LocalHost.SignIn;
using BundleFunctions.Orchestrators;
using BundleFunctions.Telemetry;
using OpenTelemetry.Metrics;

// The LocalHost runs the product's workflows on one machine with the same storage provider as Azure, on Azurite.
WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddFunctionsLocalSettings().AddEnvironmentVariables();
LocalHostOptions local = builder.Configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new();
builder.WebHost.ListenOnLoopback(builder.Configuration);

// The LocalHost's own receiver is the one URL it may register with Partner Center, unless configured otherwise.
builder.Configuration["Api:PublicWebhookUrl"] ??= $"http://127.0.0.1:{local.ApiPort}/api/webhooks/partner-center";
if (string.IsNullOrEmpty(builder.Configuration["MicrosoftCloud:AdminConsentRedirectUri"]))
{
    builder.Configuration["MicrosoftCloud:AdminConsentRedirectUri"] = $"http://127.0.0.1:{local.ApiPort}/api/admin-consent/callback";
}

builder.Services.AddBundleInfrastructure(builder.Configuration);
builder.Services.AddDurableSidecar(builder.Configuration, tasks => tasks.AddBundleWorkflows());
builder.Services.AddBundleApi(new AppSettings(builder.Configuration), InfrastructureServices.MicrosoftTls(builder.Configuration)).AddBundleApiHandlers();
builder.Services.AddHostedService<BundleFunctions.LocalHost.Events.OutboxPump>();
if (local.ScheduledJobs)
{
    builder.Services.AddHostedService<BundleFunctions.LocalHost.Events.JobScheduler>();
}

builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = local.ShutdownTimeout);

// The product's metrics through OpenTelemetry, as in Azure: printed every few seconds (console), sent to a collector
// (otlp, at OTEL_EXPORTER_OTLP_ENDPOINT), or kept in-process only (none).
builder.Services.AddOpenTelemetry().WithMetrics(metrics =>
{
    metrics.AddMeter(BundleMeter.Name);
    _ = local.Telemetry switch
    {
        LocalTelemetryExporter.Console => metrics.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 10_000),
        LocalTelemetryExporter.Otlp => metrics.AddOtlpExporter(),
        _ => metrics,
    };
});

// People and systems sign in with Entra ID: bearer tokens for the BundleFunctions API app registration, and people's
// sessions shaped like App Service authentication (/.auth/login/aad …), so the page works the same as in Azure.
builder.AddAppServiceSignIn();

// A failure nobody foresaw (storage unreachable, say) is still an RFC 7807 problem, not an empty 500.
builder.Services.AddProblemDetails();

WebApplication app = builder.Build();
await DurableSidecar.EnsureTaskHubAsync(app.Services);
app.UseExceptionHandler();
app.SeparateSidecarFromApi(local.SidecarPort);
app.MapGrpcService<Microsoft.DurableTask.Testing.Sidecar.Grpc.TaskHubGrpcServer>();
app.MapAppServiceSignIn(local.ApiPort);
app.MapBundleApi();
await app.RunAsync();
