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

    /// <summary>Registers <paramref name="webhookUrl"/>.</summary>
    /// <param name="webhookUrl">The public URL of <c>/api/webhooks/partner-center</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether a registration was created (false: an existing one was updated).</returns>
    public async Task<bool> RegisterAsync(Uri webhookUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhookUrl);
        AccessToken token = await connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), cancellationToken);
        using HttpClient partnerCenter = connection.CreatePartnerCenterClient();
        partnerCenter.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);

        using HttpResponseMessage existing = await partnerCenter.GetAsync("webhooks/v1/registration", cancellationToken);
        bool create = existing.StatusCode == HttpStatusCode.NotFound;
        JsonObject body = new() { ["WebhookUrl"] = webhookUrl.AbsoluteUri, ["WebhookEvents"] = new JsonArray([.. Events.Select(e => (JsonNode)e)]) };
        using HttpResponseMessage response = create
            ? await partnerCenter.PostAsJsonAsync("webhooks/v1/registration", body, cancellationToken)
            : await partnerCenter.PutAsJsonAsync("webhooks/v1/registration", body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new StepFailedException($"Partner Center refused the webhook registration ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        return create;
    }
}
