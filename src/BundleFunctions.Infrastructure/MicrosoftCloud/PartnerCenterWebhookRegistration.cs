using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// Registers the webhook receiver with Partner Center for the GDAP events the product acts on. One registration per
/// partner tenant: created when there is none, updated (PUT) otherwise, so running it again is harmless.
/// </summary>
/// <param name="connection">The Microsoft cloud connection.</param>
public sealed class PartnerCenterWebhookRegistration(MicrosoftCloudConnection connection)
{
    /// <summary>The events the receiver handles.</summary>
    public static readonly string[] Events =
    [
        "granular-admin-relationship-approved", "granular-admin-relationship-activated", "granular-admin-relationship-terminated",
        "granular-admin-relationship-expired", "granular-admin-access-assignment-activated",
    ];

    /// <summary>
    /// Registers <paramref name="webhookUrl"/>. A registration for another URL — perhaps another tool's, since Partner Center
    /// keeps one per partner — is overwritten only when <paramref name="replace"/> says so.
    /// </summary>
    /// <param name="webhookUrl">The public URL of <c>/api/webhooks/partner-center</c>.</param>
    /// <param name="replace">Overwrite a registration for another URL.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>What was done, and the URL registered before.</returns>
    public async Task<WebhookRegistrationOutcome> RegisterAsync(Uri webhookUrl, bool replace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookUrl);
        AccessToken token = await connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), cancellationToken);
        using HttpClient partnerCenter = connection.CreatePartnerCenterClient();
        partnerCenter.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);

        using HttpResponseMessage existing = await partnerCenter.GetAsync("webhooks/v1/registration", cancellationToken);
        bool create = existing.StatusCode == HttpStatusCode.NotFound;
        Uri? previous = null;
        if (!create)
        {
            if (!existing.IsSuccessStatusCode)
            {
                throw new StepFailedException($"Partner Center did not say which webhook is registered ({(int)existing.StatusCode}): {await existing.Content.ReadAsStringAsync(cancellationToken)}");
            }

            JsonObject current = await existing.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? [];
            string? registered = current.FirstOrDefault(p => string.Equals(p.Key, "WebhookUrl", StringComparison.OrdinalIgnoreCase)).Value?.GetValue<string>();
            previous = Uri.TryCreate(registered, UriKind.Absolute, out Uri? url) ? url : null;
            if (previous is not null && previous != webhookUrl && !replace)
            {
                return new WebhookRegistrationOutcome(WebhookRegistrationResult.KeptOther, previous);
            }
        }

        JsonObject body = new() { ["WebhookUrl"] = webhookUrl.AbsoluteUri, ["WebhookEvents"] = new JsonArray([.. Events.Select(e => (JsonNode)e)]) };
        using HttpResponseMessage response = create
            ? await partnerCenter.PostAsJsonAsync("webhooks/v1/registration", body, cancellationToken)
            : await partnerCenter.PutAsJsonAsync("webhooks/v1/registration", body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new StepFailedException($"Partner Center refused the webhook registration ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return new WebhookRegistrationOutcome(
            create ? WebhookRegistrationResult.Created : previous is not null && previous != webhookUrl ? WebhookRegistrationResult.Replaced : WebhookRegistrationResult.Updated,
            previous);
    }
}

/// <summary>What a registration did.</summary>
public enum WebhookRegistrationResult
{
    /// <summary>There was none; this one was created.</summary>
    Created,

    /// <summary>This URL was registered already; its events were brought up to date.</summary>
    Updated,

    /// <summary>Another URL was registered and was replaced by this one, as asked.</summary>
    Replaced,

    /// <summary>Another URL is registered and was left as it is (no <c>replace</c>).</summary>
    KeptOther,
}

/// <summary>The result of a registration and the URL registered before it.</summary>
/// <param name="Result">What was done.</param>
/// <param name="Previous">The URL registered before, if any.</param>
public sealed record WebhookRegistrationOutcome(WebhookRegistrationResult Result, Uri? Previous);
