using BundleFunctions.Api;
using BundleFunctions.Onboarding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Functions;

/// <summary>
/// The public HTTP surface as Functions: each trigger hands the request to the same handler the LocalHost maps.
/// Keys are the Functions host's (<see cref="AuthorizationLevel.Function"/>); the webhook is anonymous because Partner
/// Center's signature authenticates it, and keys in URLs leak into provider dashboards; the admin-consent callback is
/// anonymous because the customer's browser calls it, authenticated by the state of the link the onboarding published.
/// </summary>
public static class PublicApiFunctions
{
    [Function("StartOnboarding")]
    public static Task<IActionResult> Start([HttpTrigger(AuthorizationLevel.Function, "post", Route = "onboardings")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Api(function, client).StartAsync(request));

    [Function("ListOnboardings")]
    public static Task<IActionResult> List([HttpTrigger(AuthorizationLevel.Function, "get", Route = "onboardings")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Reader, () => Api(function, client).ListAsync(request));

    [Function("ConsentAllCustomers")]
    public static Task<IActionResult> ConsentAll([HttpTrigger(AuthorizationLevel.Function, "post", Route = "onboardings/consent-all")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Api(function, client).ConsentAllAsync(request));

    [Function("GetOnboarding")]
    public static Task<IActionResult> Get([HttpTrigger(AuthorizationLevel.Function, "get", Route = "onboardings/{id}")] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Reader, () => Api(function, client).GetAsync(id, request.HttpContext.RequestAborted));

    [Function("GetOnboardingAudit")]
    public static Task<IActionResult> Audit([HttpTrigger(AuthorizationLevel.Function, "get", Route = "onboardings/{id}/audit")] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Reader, () => Api(function, client).AuditAsync(id, request));

    [Function("CancelOnboarding")]
    public static Task<IActionResult> Cancel([HttpTrigger(AuthorizationLevel.Function, "post", Route = "onboardings/{id}/cancel")] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Api(function, client).DecideAsync(id, OnboardingEvents.CancelRequested, request));

    [Function("RetryOnboarding")]
    public static Task<IActionResult> Retry([HttpTrigger(AuthorizationLevel.Function, "post", Route = "onboardings/{id}/retry")] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Api(function, client).DecideAsync(id, OnboardingEvents.RetryRequested, request));

    [Function("RefreshOnboarding")]
    public static Task<IActionResult> Refresh([HttpTrigger(AuthorizationLevel.Function, "post", Route = "onboardings/{id}/refresh")] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Api(function, client).DecideAsync(id, OnboardingEvents.RefreshRequested, request));

    [Function("StartOnboardingBatch")]
    public static Task<IActionResult> StartBatch([HttpTrigger(AuthorizationLevel.Function, "post", Route = "onboarding-batches")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Batches(function, client).StartAsync(request));

    [Function("GetOnboardingBatch")]
    public static Task<IActionResult> GetBatch([HttpTrigger(AuthorizationLevel.Function, "get", Route = "onboarding-batches/{id}")] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Reader, () => Batches(function, client).GetAsync(id, request.HttpContext.RequestAborted));

    [Function("CancelOnboardingBatch")]
    public static Task<IActionResult> CancelBatch([HttpTrigger(AuthorizationLevel.Function, "post", Route = "onboarding-batches/{id}/cancel")] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Batches(function, client).CancelAsync(id, request.HttpContext.RequestAborted));

    [Function("ImportCustomers")]
    public static Task<IActionResult> ImportCustomers([HttpTrigger(AuthorizationLevel.Function, "post", Route = "customers/import")] HttpRequest request, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Customers(function).ImportAsync(request));

    [Function("ListCustomers")]
    public static Task<IActionResult> ListCustomers([HttpTrigger(AuthorizationLevel.Function, "get", Route = "customers")] HttpRequest request, FunctionContext function) =>
        RunAsync(request, ApiRole.Reader, () => Customers(function).ListAsync(request));

    [Function("MapCustomerOrganizations")]
    public static Task<IActionResult> MapCustomerOrganizations([HttpTrigger(AuthorizationLevel.Function, "put", Route = "customers/organizations")] HttpRequest request, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Customers(function).MapManyAsync(request));

    [Function("GetCustomer")]
    public static Task<IActionResult> GetCustomer([HttpTrigger(AuthorizationLevel.Function, "get", Route = "customers/{tenantId}")] HttpRequest request, string tenantId, FunctionContext function) =>
        RunAsync(request, ApiRole.Reader, () => Customers(function).GetAsync(tenantId, request.HttpContext.RequestAborted));

    [Function("MapCustomerOrganization")]
    public static Task<IActionResult> MapCustomerOrganization([HttpTrigger(AuthorizationLevel.Function, "put", Route = "customers/{tenantId}/organization")] HttpRequest request, string tenantId, FunctionContext function) =>
        RunAsync(request, ApiRole.Operator, () => Customers(function).MapAsync(tenantId, request));

    [Function("MigrateCustomer")]
    public static Task<IActionResult> MigrateCustomer([HttpTrigger(AuthorizationLevel.Function, "post", Route = "customers/{tenantId}/migrate")] HttpRequest request, string tenantId, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Administrator, () => ActivatorUtilities.CreateInstance<RelationshipMigrationApi>(function.InstanceServices, Api(function, client)).MigrateAsync(tenantId, request));

    [Function("StartCustomerOffboarding")]
    public static Task<IActionResult> OffboardCustomer([HttpTrigger(AuthorizationLevel.Function, "post", Route = "customers/{tenantId}/offboard")] HttpRequest request, string tenantId, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Administrator, () => Offboarding(function, client).OffboardAsync(tenantId, request));

    [Function("GetCustomerOffboarding")]
    public static Task<IActionResult> GetCustomerOffboarding([HttpTrigger(AuthorizationLevel.Function, "get", Route = "customers/{tenantId}/offboarding")] HttpRequest request, string tenantId, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Reader, () => Offboarding(function, client).GetAsync(tenantId, request.HttpContext.RequestAborted));

    [Function("StartGlobalAdministratorRemoval")]
    public static Task<IActionResult> RemoveGlobalAdministrator([HttpTrigger(AuthorizationLevel.Function, "post", Route = "relationships/remove-global-administrator")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Administrator, () => Removal(function, client).RemoveAsync(request));

    [Function("GetGlobalAdministratorRemoval")]
    public static Task<IActionResult> GetGlobalAdministratorRemoval([HttpTrigger(AuthorizationLevel.Function, "get", Route = "relationships/remove-global-administrator/{id}")] HttpRequest request, string id, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ApiRole.Reader, () => Removal(function, client).GetAsync(id, request.HttpContext.RequestAborted));

    [Function("PartnerCenterWebhook")]
    public static Task<IActionResult> Webhook([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "webhooks/partner-center")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ActivatorUtilities.CreateInstance<PartnerCenterWebhook>(function.InstanceServices, client).ReceiveAsync(request));

    [Function("AdminConsentCallback")]
    public static Task<IActionResult> AdminConsentCallback([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "admin-consent/callback")] HttpRequest request, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(request, ActivatorUtilities.CreateInstance<AdminConsentCallback>(function.InstanceServices, client).ReceiveAsync(request));

    [Function("RegisterPartnerCenterWebhook")]
    public static Task<IActionResult> RegisterWebhook([HttpTrigger(AuthorizationLevel.Function, "post", Route = "webhooks/partner-center/registration")] HttpRequest request, FunctionContext function) =>
        RunAsync(request, ApiRole.Administrator, () => WebhookRegistrationApi.RegisterAsync(request, function.InstanceServices));

    [Function("PartnerReadiness")]
    public static Task<IActionResult> Readiness([HttpTrigger(AuthorizationLevel.Function, "get", Route = "readiness")] HttpRequest request, FunctionContext function) =>
        RunAsync(request, ApiRole.Reader, () => ReadinessApi.GetAsync(function.InstanceServices.GetRequiredService<BundleFunctions.Ports.IPartnerReadiness>(), function.InstanceServices.GetRequiredService<BundleFunctions.Bundle.BundleConfiguration>(), request.HttpContext.RequestAborted));

    [Function("Health")]
    public static Task<IActionResult> Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest request, FunctionContext function) =>
        RunAsync(request, Task.FromResult(HealthReport.Of(function.InstanceServices.GetRequiredService<BundleFunctions.Ports.DeploymentHealth>())));

    [Function("OpenApi")]
    public static Task<IActionResult> OpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest request) =>
        RunAsync(request, Task.FromResult(ApiJson.Json(OpenApiDocument.Value)));

    static OnboardingApi Api(FunctionContext function, DurableTaskClient client) => ActivatorUtilities.CreateInstance<OnboardingApi>(function.InstanceServices, client);

    static OnboardingBatchApi Batches(FunctionContext function, DurableTaskClient client) => ActivatorUtilities.CreateInstance<OnboardingBatchApi>(function.InstanceServices, client);

    static OffboardingApi Offboarding(FunctionContext function, DurableTaskClient client) => ActivatorUtilities.CreateInstance<OffboardingApi>(function.InstanceServices, client, Api(function, client));

    static CustomersApi Customers(FunctionContext function) => function.InstanceServices.GetRequiredService<CustomersApi>();

    static GlobalAdministratorRemovalApi Removal(FunctionContext function, DurableTaskClient client) => ActivatorUtilities.CreateInstance<GlobalAdministratorRemovalApi>(function.InstanceServices, client);

    /// <summary>Writes the handler's result to the response (headers included), so both hosts answer byte for byte alike.</summary>
    static async Task<IActionResult> RunAsync(HttpRequest request, Task<IResult> handler)
    {
        await (await handler).ExecuteAsync(request.HttpContext);
        return new EmptyResult();
    }

    /// <summary>
    /// A keyed route: the Functions host already checked the function key, and App Service authentication (when on) the
    /// caller's token, whose principal it passes in <c>X-MS-CLIENT-PRINCIPAL</c>. A caller with a token is who the token says;
    /// one with only the key stands for Reader and Operator (<see cref="ApiCaller.FunctionKey"/>).
    /// </summary>
    static Task<IActionResult> RunAsync(HttpRequest request, ApiRole role, Func<Task<IResult>> handler)
    {
        bool easyAuth = string.Equals(Environment.GetEnvironmentVariable("WEBSITE_AUTH_ENABLED"), "True", StringComparison.OrdinalIgnoreCase);
        ApiCaller caller = ApiCaller.SignedIn(ApiCaller.FromEasyAuth(request, easyAuth)) ?? ApiCaller.FunctionKey;
        return ApiAccess.Refusal(request.HttpContext, caller, role) is { } refused ? RunAsync(request, Task.FromResult(refused)) : RunAsync(request, handler());
    }
}
