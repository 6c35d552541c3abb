using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.Hosting;
using MicrosoftCloudSimulator.State;

namespace MicrosoftCloudSimulator.Webhooks;

/// <summary>
/// Drives the clock-based lifecycle and delivers Partner Center events to the registered webhook, signed exactly as
/// Partner Center signs: RSA-SHA256 PKCS#1 v1.5 over the body, <c>Authorization: Signature {base64}</c> (or
/// <c>x-ms-signature</c>), <c>X-MS-Certificate-Url</c> pointing at the signing certificate, <c>X-MS-Signature-Algorithm: rsa-sha256</c>.
/// A delivery that does not get a 2xx is retried (bounded, like Partner Center's ten attempts).
/// </summary>
public sealed class WebhookDelivery(SimulatedCloud cloud, SimulatorCertificates certificates, SimulatorEndpoint endpoint, ILogger<WebhookDelivery> log) : BackgroundService
{
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Every delivery so far, newest last (for tests and <c>/_sim/webhooks/deliveries</c>).</summary>
    public ConcurrentQueue<DeliveryRecord> Deliveries { get; } = new();

    /// <summary>Whether the registration asked for the signature in <c>x-ms-signature</c>.</summary>
    public bool SignatureInMsSignatureHeader { get; set; }

    /// <summary>Signs a body as Partner Center does.</summary>
    public string Sign(byte[] body) =>
        Convert.ToBase64String(certificates.WebhookSigning.GetRSAPrivateKey()!.SignData(body, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using PeriodicTimer timer = new(cloud.Options.TickInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            this.RunDue();
        }
    }

    /// <summary>Applies due transitions and starts delivering the events they raised.</summary>
    public void RunDue()
    {
        List<(string EventName, string ResourceUri, Uri Url)> due = cloud.Locked(c =>
        {
            Lifecycle.Tick(c);
            List<(string, string, Uri)> events = [];
            while (c.PendingEvents.TryDequeue(out (string EventName, string ResourceUri) e))
            {
                if (c.Webhook is { } registration)
                {
                    events.Add((e.EventName, e.ResourceUri, registration.WebhookUrl));
                }
            }

            return events;
        });
        foreach ((string eventName, string resourceUri, Uri url) in due)
        {
            _ = Task.Run(() => this.DeliverAsync(eventName, resourceUri, url));
        }
    }

    async Task DeliverAsync(string eventName, string resourceUri, Uri url)
    {
        JsonObject payload = new()
        {
            ["EventName"] = eventName,
            ["ResourceUri"] = resourceUri,
            ["ResourceName"] = resourceUri.Contains("/accessAssignments/", StringComparison.Ordinal) ? "GranularAdminAccessAssignment" : "GranularAdminRelationship",
            ["AuditUri"] = null,
            ["ResourceChangeUtcDate"] = cloud.Clock.UtcNow.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        };
        byte[] body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        string signature = this.Sign(body);
        for (int attempt = 1; attempt <= cloud.Options.WebhookAttempts; attempt++)
        {
            int status;
            try
            {
                using HttpRequestMessage request = new(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
                request.Headers.TryAddWithoutValidation(this.SignatureInMsSignatureHeader ? "x-ms-signature" : "Authorization", $"Signature {signature}");
                request.Headers.TryAddWithoutValidation("X-MS-Certificate-Url", endpoint.WebhookCertificateUrl);
                request.Headers.TryAddWithoutValidation("X-MS-Signature-Algorithm", "rsa-sha256");
                using HttpResponseMessage response = await Http.SendAsync(request);
                status = (int)response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                status = 0;
            }

            this.Deliveries.Enqueue(new DeliveryRecord(eventName, resourceUri, url, attempt, status, cloud.Clock.UtcNow));
            if (status is >= 200 and < 300)
            {
                return;
            }

            log.LogWarning("Webhook {Event} to {Url}: attempt {Attempt} answered {Status}", eventName, url, attempt, status);
            await Task.Delay(cloud.Options.WebhookRetryInterval);
        }
    }
}

/// <summary>One delivery attempt.</summary>
public sealed record DeliveryRecord(string EventName, string ResourceUri, Uri Url, int Attempt, int Status, DateTimeOffset At);

/// <summary>Where the simulator listens, once Kestrel has bound (the port may be picked by the OS).</summary>
public sealed class SimulatorEndpoint
{
    /// <summary>The base address, e.g. <c>https://127.0.0.1:7443</c>.</summary>
    public string BaseAddress { get; set; } = string.Empty;

    /// <summary>Where the webhook-signing certificate is served.</summary>
    public string WebhookCertificateUrl => $"{this.BaseAddress}/cert/pcnotifications-dispatch.microsoft.com.cer";
}
