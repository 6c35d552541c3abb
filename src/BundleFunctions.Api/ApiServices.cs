using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using BundleFunctions.Readiness;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Api;

/// <summary>Composition of the public surface, shared by both hosts.</summary>
public static class ApiServices
{
    /// <summary>
    /// Registers the API's settings and the handlers that need no Durable client. Both hosts call this; the Functions app
    /// builds the other handlers per call from its <c>[DurableClient]</c> binding, since its Durable extension never puts a
    /// <c>DurableTaskClient</c> in DI (Development's validation of every registration would refuse them).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="settings">The host's app settings.</param>
    /// <param name="microsoftTls">
    /// A handler with the TLS trust of every call to Microsoft (the system store, or the pinned certificate in
    /// development), for fetching Partner Center's signing certificates.
    /// </param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBundleApi(this IServiceCollection services, IAppSettings settings, Func<SocketsHttpHandler> microsoftTls)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(microsoftTls);
        ApiOptions api = settings.Section<ApiOptions>(ApiOptions.Section);
        if (api.PublicWebhookUrl is null && settings["WEBSITE_HOSTNAME"] is { } host)
        {
            // App Service names the app's default host name in WEBSITE_HOSTNAME.
            api.PublicWebhookUrl = new Uri($"https://{host}/api/webhooks/partner-center");
        }

        WorkflowOptions workflow = settings.Section<WorkflowOptions>(WorkflowOptions.Section);
        StopUnlessUsable(api, workflow);
        services.AddSingleton(api);
        services.AddSingleton(workflow);
        services.AddSingleton(sp => new WebhookCertificates(
            microsoftTls(),
            api.WebhookTrustAnchorThumbprint,
            api.WebhookCertificateIssuerOrganization,
            api.WebhookNewCertificateUrlInterval,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(settings.Section<JobOptions>(JobOptions.Section));
        services.AddSingleton<IPartnerReadiness>(sp => new PartnerReadiness(sp.GetRequiredService<IPartnerFacts>(), api.PublicWebhookUrl, api.ReadinessKeptFor, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Bundle.BundleConfiguration>()));
        services.AddSingleton<CustomerImport>();
        services.AddSingleton<CustomersApi>();
        return services;
    }

    /// <summary>
    /// Stops start-up on a setting that would make every onboarding (or every request) fail later, naming the setting: an
    /// engineer reads one start-up error instead of the same failure on each customer.
    /// </summary>
    static void StopUnlessUsable(ApiOptions api, WorkflowOptions workflow)
    {
        List<string> problems = [];
        if (!PartnerGroupName.IsValidPrefix(workflow.GroupPrefix, out string? prefix))
        {
            problems.Add($"Workflow__GroupPrefix: {prefix}");
        }

        foreach ((string name, TimeSpan value) in new[]
        {
            (nameof(workflow.ApprovalFirstPoll), workflow.ApprovalFirstPoll), (nameof(workflow.ApprovalMaxPoll), workflow.ApprovalMaxPoll),
            (nameof(workflow.ApprovalTimeout), workflow.ApprovalTimeout), (nameof(workflow.FollowUpFirstPoll), workflow.FollowUpFirstPoll),
            (nameof(workflow.FollowUpMaxPoll), workflow.FollowUpMaxPoll), (nameof(workflow.ActivationTimeout), workflow.ActivationTimeout),
            (nameof(workflow.AssignmentsTimeout), workflow.AssignmentsTimeout), (nameof(workflow.ConsentTimeout), workflow.ConsentTimeout),
            (nameof(workflow.VerificationTimeout), workflow.VerificationTimeout),
        }.Where(w => w.Item2 <= TimeSpan.Zero))
        {
            problems.Add($"Workflow__{name}: must be longer than zero; {value} is not.");
        }

        if (workflow.TimeScale is not (> 0 and <= 1))
        {
            problems.Add($"Workflow__TimeScale: must be more than 0 and at most 1 (1 in production); {workflow.TimeScale} is not.");
        }

        if (api.MaxBodyBytes < 1024 || api.RetryAfterSeconds < 0)
        {
            problems.Add("Api__MaxBodyBytes must be at least 1024 and Api__RetryAfterSeconds zero or more.");
        }

        if (workflow.BatchConcurrency < 1 || workflow.BatchPoll <= TimeSpan.Zero)
        {
            problems.Add($"Workflow__BatchConcurrency must be at least 1 and Workflow__BatchPoll longer than zero; {workflow.BatchConcurrency} and {workflow.BatchPoll} are not.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"Settings that cannot work; correct them and restart: {string.Join(" ", problems)}");
        }
    }

    /// <summary>Registers the handlers that take a <c>DurableTaskClient</c> from DI: for a host that registers one (the LocalHost).</summary>
    public static IServiceCollection AddBundleApiHandlers(this IServiceCollection services)
    {
        services.AddSingleton<OnboardingApi>();
        services.AddSingleton<GlobalAdministratorRemovalApi>();
        services.AddSingleton<PartnerCenterWebhook>();
        services.AddSingleton<AdminConsentCallback>();
        services.AddSingleton<ScheduledJobs>();
        services.AddSingleton<OnboardingBatchApi>();
        services.AddSingleton<RelationshipMigrationApi>();
        services.AddSingleton<OffboardingApi>();
        services.AddSingleton<IOnboardingStarter, DurableOnboardingStarter>();
        return services;
    }

    /// <summary>Maps the API on an ASP.NET Core host (the LocalHost), behind the function key where Azure would put one.</summary>
    public static IEndpointRouteBuilder MapBundleApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        RouteGroupBuilder keyed = app.MapGroup("/api").AddEndpointFilter(async (context, next) =>
        {
            // A validated token for this API (the host's JWT bearer handler), else the function key; every route needs Reader.
            HttpContext http = context.HttpContext;
            ApiCaller? caller = ApiCaller.SignedIn(http.User)
                ?? (ApiKey.IsAuthorized(http.Request, http.RequestServices.GetRequiredService<ApiOptions>().FunctionKey) ? ApiCaller.FunctionKey : null);
            return ApiAccess.Refusal(http, caller, ApiRole.Reader) ?? await next(context);
        });
        keyed.MapPost("/onboardings", (HttpRequest r, OnboardingApi a) => a.StartAsync(r)).RequireRole(ApiRole.Operator);
        keyed.MapGet("/onboardings", (HttpRequest r, OnboardingApi a) => a.ListAsync(r));
        keyed.MapPost("/onboardings/consent-all", (HttpRequest r, OnboardingApi a) => a.ConsentAllAsync(r)).RequireRole(ApiRole.Operator);
        keyed.MapGet("/onboardings/{id}", (string id, HttpRequest r, OnboardingApi a) => a.GetAsync(id, r.HttpContext.RequestAborted));
        keyed.MapGet("/onboardings/{id}/audit", (string id, HttpRequest r, OnboardingApi a) => a.AuditAsync(id, r));
        keyed.MapPost("/onboardings/{id}/cancel", (string id, HttpRequest r, OnboardingApi a) => a.DecideAsync(id, OnboardingEvents.CancelRequested, r)).RequireRole(ApiRole.Operator);
        keyed.MapPost("/onboardings/{id}/retry", (string id, HttpRequest r, OnboardingApi a) => a.DecideAsync(id, OnboardingEvents.RetryRequested, r)).RequireRole(ApiRole.Operator);
        keyed.MapPost("/onboardings/{id}/refresh", (string id, HttpRequest r, OnboardingApi a) => a.DecideAsync(id, OnboardingEvents.RefreshRequested, r)).RequireRole(ApiRole.Operator);
        keyed.MapPost("/onboarding-batches", (HttpRequest r, OnboardingBatchApi a) => a.StartAsync(r)).RequireRole(ApiRole.Operator);
        keyed.MapGet("/onboarding-batches/{id}", (string id, HttpRequest r, OnboardingBatchApi a) => a.GetAsync(id, r.HttpContext.RequestAborted));
        keyed.MapPost("/onboarding-batches/{id}/cancel", (string id, HttpRequest r, OnboardingBatchApi a) => a.CancelAsync(id, r.HttpContext.RequestAborted)).RequireRole(ApiRole.Operator);
        keyed.MapPost("/customers/import", (HttpRequest r, CustomersApi a) => a.ImportAsync(r)).RequireRole(ApiRole.Operator);
        keyed.MapGet("/customers", (HttpRequest r, CustomersApi a) => a.ListAsync(r));
        keyed.MapPut("/customers/organizations", (HttpRequest r, CustomersApi a) => a.MapManyAsync(r)).RequireRole(ApiRole.Operator);
        keyed.MapGet("/customers/{tenantId}", (string tenantId, HttpRequest r, CustomersApi a) => a.GetAsync(tenantId, r.HttpContext.RequestAborted));
        keyed.MapPut("/customers/{tenantId}/organization", (string tenantId, HttpRequest r, CustomersApi a) => a.MapAsync(tenantId, r)).RequireRole(ApiRole.Operator);
        keyed.MapPost("/customers/{tenantId}/migrate", (string tenantId, HttpRequest r, RelationshipMigrationApi a) => a.MigrateAsync(tenantId, r)).RequireRole(ApiRole.Administrator);
        keyed.MapPost("/customers/{tenantId}/offboard", (string tenantId, HttpRequest r, OffboardingApi a) => a.OffboardAsync(tenantId, r)).RequireRole(ApiRole.Administrator);
        keyed.MapGet("/customers/{tenantId}/offboarding", (string tenantId, HttpRequest r, OffboardingApi a) => a.GetAsync(tenantId, r.HttpContext.RequestAborted));
        keyed.MapPost("/relationships/remove-global-administrator", (HttpRequest r, GlobalAdministratorRemovalApi a) => a.RemoveAsync(r)).RequireRole(ApiRole.Administrator);
        keyed.MapGet("/relationships/remove-global-administrator/{id}", (string id, HttpRequest r, GlobalAdministratorRemovalApi a) => a.GetAsync(id, r.HttpContext.RequestAborted));
        keyed.MapPost("/webhooks/partner-center/registration", (HttpRequest r, IServiceProvider services) => WebhookRegistrationApi.RegisterAsync(r, services)).RequireRole(ApiRole.Administrator);
        app.MapPost("/api/webhooks/partner-center", (HttpRequest r, PartnerCenterWebhook w) => w.ReceiveAsync(r));
        app.MapGet("/api/admin-consent/callback", (HttpRequest r, AdminConsentCallback c) => c.ReceiveAsync(r));
        keyed.MapGet("/readiness", (HttpRequest r, IPartnerReadiness readiness, Bundle.BundleConfiguration configuration) => ReadinessApi.GetAsync(readiness, configuration, r.HttpContext.RequestAborted));
        app.MapGet("/api/health", (DeploymentHealth health) => HealthReport.Of(health));
        app.MapGet("/api/openapi.json", () => ApiJson.Json(OpenApiDocument.Value));
        return app;
    }
}
