using System.Net;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Api;

/// <summary>
/// <c>POST /api/webhooks/partner-center/registration</c> with <c>{}</c> or <c>{"webhookUrl": "…", "replace": true}</c>:
/// registers this deployment's receiver with Partner Center for the GDAP events. Only this deployment's own public URL
/// (<c>Api:PublicWebhookUrl</c>) can be registered, over https (http only on loopback, for the LocalHost), so a caller cannot
/// point Partner Center's events anywhere else. Partner Center keeps one registration per partner: one for another URL —
/// perhaps another tool's — is replaced only with <c>"replace": true</c>. Every change goes into the operations audit.
/// </summary>
public static class WebhookRegistrationApi
{
    /// <summary>The handler.</summary>
    public static async Task<IResult> RegisterAsync(HttpRequest request, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        ApiOptions api = services.GetRequiredService<ApiOptions>();
        (RegistrationBody? body, IResult? bad) = await OnboardingApi.ReadBodyAsync<RegistrationBody>(request, api.MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        if (api.PublicWebhookUrl is not { } own)
        {
            return ApiJson.Problem(503, "This deployment does not know its public webhook URL.", "Set Api__PublicWebhookUrl (in Azure WEBSITE_HOSTNAME provides it), restart, then register.");
        }

        if (own.Scheme != Uri.UriSchemeHttps && !(own.Scheme == Uri.UriSchemeHttp && own.IsLoopback))
        {
            return ApiJson.Problem(503, "Api__PublicWebhookUrl must be an https URL.", "Partner Center delivers events to the internet: only a loopback receiver (the LocalHost) may be http.");
        }

        if (body!.WebhookUrl is { } asked && (!Uri.TryCreate(asked, UriKind.Absolute, out Uri? url) || url != own))
        {
            return Results.ValidationProblem(
                new Dictionary<string, string[]> { ["webhookUrl"] = [$"Only this deployment's receiver, {own.AbsoluteUri}, can be registered; leave webhookUrl out to register it."] },
                title: "Nothing was registered.");
        }

        if (services.GetService<IWebhookRegistration>() is not { } registration)
        {
            return ApiJson.Problem(503, "No Microsoft cloud connection is configured.", "Set the MicrosoftCloud settings, then register the webhook.");
        }

        WebhookRegistrationOutcome outcome;
        try
        {
            outcome = await registration.RegisterAsync(own, body.Replace == true, request.HttpContext.RequestAborted);
        }
        catch (StepFailedException refused)
        {
            return ApiJson.Problem(502, "Partner Center refused the registration.", refused.Message);
        }

        if (outcome.Result == WebhookRegistrationResult.KeptOther)
        {
            return ApiJson.Problem(
                409,
                "Another webhook URL is registered with Partner Center; it was left as it is.",
                $"Partner Center keeps one registration per partner, and it points at {outcome.Previous}, perhaps another tool's receiver. Send \"replace\": true to point it at this deployment instead.",
                new Dictionary<string, object?> { ["registeredUrl"] = outcome.Previous?.AbsoluteUri });
        }

        await services.GetRequiredService<IOperationsAudit>().RecordAsync(
            services.GetRequiredService<PartnerTenant>().Id,
            new OperationsAuditEntry(services.GetRequiredService<TimeProvider>().GetUtcNow(), ApiAccess.CallerOf(request.HttpContext).Name, $"webhookRegistration.{outcome.Result.ToString().ToLowerInvariant()}", own.AbsoluteUri, outcome.Previous is { } previous && previous != own ? $"replaced {previous.AbsoluteUri}" : null),
            request.HttpContext.RequestAborted);
        return ApiJson.Json(
            new { webhookUrl = own, events = IWebhookRegistration.Events, result = outcome.Result, previousUrl = outcome.Previous },
            outcome.Result == WebhookRegistrationResult.Created ? (int)HttpStatusCode.Created : (int)HttpStatusCode.OK);
    }

    /// <summary>The request body.</summary>
    /// <param name="WebhookUrl">This deployment's receiver URL, if the caller names it (it must be exactly that).</param>
    /// <param name="Replace">Overwrite a registration for another URL.</param>
    public sealed record RegistrationBody(string? WebhookUrl = null, bool? Replace = null);
}
