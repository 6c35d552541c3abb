using BundleFunctions.Api;
using BundleFunctions.Infrastructure;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

// Composition only: the adapters come from Infrastructure, the workflows from Core, the triggers from Functions/.
FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddBundleInfrastructure(builder.Configuration);
builder.Services.AddBundleApi(builder.Configuration);
builder.Build().Run();
