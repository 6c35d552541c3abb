using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Onboarding;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Api;

/// <summary>Composition of the public surface, shared by both hosts.</summary>
public static class ApiServices
{
    /// <summary>Registers the API's handlers and settings.</summary>
    public static IServiceCollection AddBundleApi(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ApiOptions api = configuration.GetSection(ApiOptions.Section).Get<ApiOptions>() ?? new();
        MicrosoftCloudOptions cloud = configuration.GetSection(MicrosoftCloudOptions.Section).Get<MicrosoftCloudOptions>() ?? new();
        services.AddSingleton(api);
        services.AddSingleton(configuration.GetSection(WorkflowOptions.Section).Get<WorkflowOptions>() ?? new());
        services.AddSingleton(new PartnerTenant(cloud.PartnerTenantId));
        services.AddSingleton(_ => new WebhookCertificates(
            new HttpClient(new MicrosoftCloudConnection(cloud).CreateHandler()) { Timeout = TimeSpan.FromSeconds(10) },
            configuration[$"{ApiOptions.Section}:WebhookTrustAnchorThumbprint"]));
        services.AddSingleton<OnboardingApi>();
        services.AddSingleton<GlobalAdministratorRemovalApi>();
        services.AddSingleton<PartnerCenterWebhook>();
        services.AddSingleton(configuration.GetSection(JobOptions.Section).Get<JobOptions>() ?? new());
        services.AddSingleton<ScheduledJobs>();
        return services;
    }

    /// <summary>Maps the API on an ASP.NET Core host (the LocalHost), behind the function key where Azure would put one.</summary>
    public static IEndpointRouteBuilder MapBundleApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RouteGroupBuilder keyed = app.MapGroup("/api").AddEndpointFilter(async (context, next) =>
            ApiKey.IsAuthorized(context.HttpContext.Request, context.HttpContext.RequestServices.GetRequiredService<ApiOptions>().FunctionKey)
                ? await next(context)
                : ApiJson.Problem(401, "A valid x-functions-key header is required."));
        keyed.MapPost("/onboardings", (HttpRequest r, OnboardingApi a) => a.StartAsync(r));
        keyed.MapGet("/onboardings", (HttpRequest r, OnboardingApi a) => a.ListAsync(r));
        keyed.MapGet("/onboardings/{id}", (string id, HttpRequest r, OnboardingApi a) => a.GetAsync(id, r.HttpContext.RequestAborted));
        keyed.MapPost("/onboardings/{id}/cancel", (string id, HttpRequest r, OnboardingApi a) => a.DecideAsync(id, OnboardingEvents.CancelRequested, r));
        keyed.MapPost("/onboardings/{id}/retry", (string id, HttpRequest r, OnboardingApi a) => a.DecideAsync(id, OnboardingEvents.RetryRequested, r));
        keyed.MapPost("/onboardings/{id}/refresh", (string id, HttpRequest r, OnboardingApi a) => a.DecideAsync(id, OnboardingEvents.RefreshRequested, r));
        keyed.MapPost("/relationships/remove-global-administrator", (HttpRequest r, GlobalAdministratorRemovalApi a) => a.RemoveAsync(r));
        keyed.MapPost("/webhooks/partner-center/registration", (HttpRequest r, IServiceProvider services) => WebhookRegistrationApi.RegisterAsync(r, services));
        app.MapPost("/api/webhooks/partner-center", (HttpRequest r, PartnerCenterWebhook w) => w.ReceiveAsync(r));
        app.MapGet("/api/health", () => ApiJson.Json(new { status = "ok" }));
        app.MapGet("/api/openapi.json", () => ApiJson.Json(OpenApiDocument.Value));
        return app;
    }
}
