using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Api;

/// <summary>
/// <c>POST /api/webhooks/partner-center/registration</c> with <c>{"webhookUrl": "https://…/api/webhooks/partner-center"}</c>:
/// registers the receiver with Partner Center (created, or updated when one exists).
/// </summary>
public static class WebhookRegistrationApi
{
    /// <summary>The handler.</summary>
    public static async Task<IResult> RegisterAsync(HttpRequest request, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(services);
        (RegistrationBody? body, IResult? bad) = await OnboardingApi.ReadBodyAsync<RegistrationBody>(request, services.GetRequiredService<ApiOptions>().MaxBodyBytes);
        if (bad is not null)
        {
            return bad;
        }

        if (!Uri.TryCreate(body!.WebhookUrl, UriKind.Absolute, out Uri? url) || url.Scheme is not ("https" or "http") || !url.AbsolutePath.EndsWith("/api/webhooks/partner-center", StringComparison.Ordinal))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["webhookUrl"] = ["An absolute URL ending in /api/webhooks/partner-center is required."] });
        }

        if (services.GetService<PartnerCenterWebhookRegistration>() is not { } registration)
        {
            return ApiJson.Problem(503, "No Microsoft cloud connection is configured.", "Set the MicrosoftCloud settings, then register the webhook.");
        }

        try
        {
            bool created = await registration.RegisterAsync(url, request.HttpContext.RequestAborted);
            return ApiJson.Json(new { webhookUrl = url, events = PartnerCenterWebhookRegistration.Events, created }, created ? StatusCodes.Status201Created : StatusCodes.Status200OK);
        }
        catch (StepFailedException refused)
        {
            return ApiJson.Problem(502, "Partner Center refused the registration.", refused.Message);
        }
    }

    /// <summary>The request body.</summary>
    /// <param name="WebhookUrl">The receiver's public URL.</param>
    public sealed record RegistrationBody(string? WebhookUrl);
}
