using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using BundleFunctions.Api;
using BundleFunctions.Functions;
using BundleFunctions.Infrastructure;
using BundleFunctions.Infrastructure.Settings;
using BundleFunctions.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;

FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.AddBundleFunctions();
builder.Build().Run();

namespace BundleFunctions.Functions
{
    /// <summary>
    /// Composition only: the adapters come from Infrastructure, the workflows from Core, the triggers from Functions/. Public so
    /// a test can build the host's service provider exactly as it starts in Azure, with infra/'s settings.
    /// </summary>
    public static class FunctionsComposition
    {
        /// <summary>Adds everything the functions resolve. The Durable client is not among them: the wrappers get it from their binding.</summary>
        /// <param name="builder">The Functions application builder.</param>
        /// <returns>The builder.</returns>
        public static FunctionsApplicationBuilder AddBundleFunctions(this FunctionsApplicationBuilder builder)
        {
            ArgumentNullException.ThrowIfNull(builder);
            builder.ConfigureFunctionsWebApplication();
            builder.Services.AddBundleInfrastructure(builder.Configuration);
            builder.Services.AddBundleApi(new AppSettings(builder.Configuration), InfrastructureServices.MicrosoftTls(builder.Configuration));

            // Logs and the product's metrics leave the worker through OpenTelemetry, to Application Insights when infra/ gave
            // the app its connection string; ingestion signs in with the app's identity (local auth is off there).
            IOpenTelemetryBuilder telemetry = builder.Services.AddOpenTelemetry()
                .UseFunctionsWorkerDefaults()
                .WithMetrics(metrics => metrics.AddMeter(BundleMeter.Name));
            if (builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"] is { Length: > 0 })
            {
                string? clientId = builder.Configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]?.Split(';')
                    .Select(part => part.Split('=', 2))
                    .FirstOrDefault(pair => pair.Length == 2 && pair[0].Trim().Equals("ClientId", StringComparison.OrdinalIgnoreCase))?[1].Trim();
                telemetry.UseAzureMonitorExporter(o => o.Credential = clientId is null ? null : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId)));
            }

            return builder;
        }
    }
}
