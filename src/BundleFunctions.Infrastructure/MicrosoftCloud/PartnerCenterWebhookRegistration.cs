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
public sealed class PartnerCenterWebhookRegistration(MicrosoftCloudConnection connection) : IWebhookRegistration
{
    /// <inheritdoc />
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

        JsonObject body = new() { ["WebhookUrl"] = webhookUrl.AbsoluteUri, ["WebhookEvents"] = new JsonArray([.. IWebhookRegistration.Events.Select(e => (JsonNode)e)]) };
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
