using BundleFunctions.Api;
using BundleFunctions.Functions;
using BundleFunctions.Infrastructure;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

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
            builder.Services.AddBundleApi(builder.Configuration);
            return builder;
        }
    }
}
