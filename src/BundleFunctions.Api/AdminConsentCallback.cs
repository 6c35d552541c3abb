using System.Globalization;
using System.Net;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace BundleFunctions.Api;

/// <summary>
/// <c>GET /api/admin-consent/callback</c>: where Entra sends the customer's administrator after the enterprise-app path's
/// admin-consent link (<c>admin_consent=True&amp;tenant&amp;scope&amp;state</c>, or <c>error&amp;error_description&amp;state</c>).
/// Anonymous — it is the customer's browser — so the <c>state</c> is its only credential: it must name an enterprise-app
/// onboarding of this partner and equal the state of the link that onboarding published last. Anything else (forged,
/// guessed, another onboarding's, an older link's) gets a page saying so and changes nothing. A matching answer is raised
/// to the onboarding as <see cref="OnboardingEvents.AdminConsentAnswered"/>, which verifies the consent app-only before
/// calling it green. The page shown to the administrator quotes nothing they did not see at Entra, HTML-encoded.
/// </summary>
public sealed class AdminConsentCallback(DurableTaskClient client, IOnboardingStore store, PartnerTenant partner, ILogger<AdminConsentCallback> logger)
{
    /// <summary>The most of Entra's error description kept (it becomes part of the step's message).</summary>
    const int MaxDescriptionLength = 400;

    /// <summary>Receives one redirect from Entra.</summary>
    /// <param name="request">The browser's request.</param>
    /// <returns>A page for the administrator.</returns>
    public async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string state = Single(request, "state") ?? string.Empty;
        string? onboardingId = AdminConsentState.OnboardingOf(state);
        OnboardingRecord? onboarding = onboardingId is not null && OnboardingId.TryParse(onboardingId, out Guid owner, out _) && owner == partner.Id
            ? await store.GetAsync(partner.Id, onboardingId, request.HttpContext.RequestAborted)
            : null;
        if (onboarding is not { Subject.Path: OnboardingPath.EnterpriseApp } || !AdminConsentState.Matches(onboarding.InvitationUrl, state))
        {
            logger.LogWarning("Admin-consent callback refused: its state matches no link an enterprise-app onboarding published. Nothing was recorded.");
            return Page(400, "This answer does not belong to a consent link of this service", "Nothing was recorded. If you opened a link your service provider sent you, ask them for a new one.");
        }

        AdminConsentAnswer? answer = AnswerOf(request);
        if (answer is null)
        {
            return Page(400, "This is not an answer from Microsoft Entra", "It names neither a consent nor an error. Nothing was recorded.");
        }

        if (onboarding is not { Status: OnboardingStatus.WaitingForCustomer, CurrentStep: OnboardingStep.AwaitCustomerApproval })
        {
            // A retry waits again and polls: a consent given now is found then; a decline now needs no event.
            return Page(200, "Your answer was received", $"The onboarding of {onboarding.Subject.CustomerName} is not waiting for it at the moment; your service provider sees the consent the next time it checks.");
        }

        await client.RaiseEventAsync(onboarding.Subject.OnboardingId, OnboardingEvents.AdminConsentAnswered, answer, request.HttpContext.RequestAborted);
        return answer.Granted
            ? Page(200, "Thank you: your consent was recorded", $"Your service provider now checks its access to {onboarding.Subject.CustomerName}. You can close this window.")
            : Page(200, "Consent was not given", $"Microsoft Entra said: {answer.Description ?? answer.Error}. Your service provider has been told. You can close this window.");
    }

    /// <summary>Entra's answer in the redirect's query, or null when it carries neither a consent nor an error.</summary>
    static AdminConsentAnswer? AnswerOf(HttpRequest request)
    {
        Guid? tenant = Guid.TryParse(Single(request, "tenant"), out Guid named) ? named : null;
        if (string.Equals(Single(request, "admin_consent"), "True", StringComparison.OrdinalIgnoreCase))
        {
            return new AdminConsentAnswer(true, tenant, null, null);
        }

        return Single(request, "error") is { Length: > 0 and <= 64 } error
            ? new AdminConsentAnswer(false, tenant, Shown(error), Single(request, "error_description") is { Length: > 0 } said ? Shown(said) : null)
            : null;
    }

    /// <summary>A query value given once, else null (a repeated parameter is not Entra's).</summary>
    static string? Single(HttpRequest request, string name) => request.Query.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues values) && values.Count == 1 ? values[0] : null;

    /// <summary>Text from the query as it may be kept: no control or hidden characters, at most <see cref="MaxDescriptionLength"/> characters.</summary>
    static string Shown(string text)
    {
        string visible = new([.. text.Select(c => char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator ? ' ' : c)]);
        return visible.Length > MaxDescriptionLength ? visible[..(MaxDescriptionLength - 1)] + "…" : visible;
    }

    static IResult Page(int status, string title, string message) => new HtmlPage(status, title, message);

    /// <summary>A small HTML page that loads nothing and may not be framed or cached.</summary>
    sealed class HtmlPage(int status, string title, string message) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            HttpResponse response = httpContext.Response;
            response.StatusCode = status;
            response.ContentType = "text/html; charset=utf-8";
            response.Headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            response.Headers.CacheControl = "no-store";
            return response.WriteAsync(
                $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title></head>"
                + $"<body><h1>{WebUtility.HtmlEncode(title)}</h1><p>{WebUtility.HtmlEncode(message)}</p></body></html>",
                httpContext.RequestAborted);
        }
    }
}
