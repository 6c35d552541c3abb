using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Graph.Models;
using MicrosoftCloudSimulator.Webhooks;

namespace MicrosoftCloudSimulator.Tests;

public sealed class WebhookTests : OwnSimulator
{
    async Task RegisterAsync(Uri url, params string[] events) =>
        (await this.Bed.PartnerCenterAsync(HttpMethod.Post, "webhooks/v1/registration", new { WebhookUrl = url, WebhookEvents = events })).EnsureSuccessStatusCode();

    static async Task<ReceivedWebhook> FirstAsync(WebhookReceiver receiver, string eventName) =>
        (await SimulatorTestBed.EventuallyAsync(() => Task.FromResult(receiver.Received.ToArray()), r => r.Any(w => EventOf(w) == eventName))).First(w => EventOf(w) == eventName);

    static string EventOf(ReceivedWebhook webhook) => JsonNode.Parse(webhook.Body)!["EventName"]!.GetValue<string>();

    [Fact]
    public async Task Approval_posts_a_partner_center_payload_signed_with_rsa_sha256_over_the_body()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await this.RegisterAsync(receiver.Url, "granular-admin-relationship-approved", "granular-admin-relationship-activated");

        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(this.Bed, SimulatorTestBed.Fabrikam);
        ReceivedWebhook approved = await FirstAsync(receiver, "granular-admin-relationship-approved");
        ReceivedWebhook activated = await FirstAsync(receiver, "granular-admin-relationship-activated");

        JsonObject payload = JsonNode.Parse(approved.Body)!.AsObject();
        Assert.Equal(["EventName", "ResourceUri", "ResourceName", "AuditUri", "ResourceChangeUtcDate"], payload.Select(p => p.Key));
        Assert.Equal($"https://partner.microsoft.com/granularAdminRelationships/{active.Id}", payload["ResourceUri"]!.GetValue<string>());
        Assert.Equal("GranularAdminRelationship", payload["ResourceName"]!.GetValue<string>());
        Assert.Equal("rsa-sha256", approved.Headers["X-MS-Signature-Algorithm"]);
        Assert.StartsWith("Signature ", approved.Headers["Authorization"], StringComparison.Ordinal);

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(await this.Bed.Http.GetByteArrayAsync(approved.Headers["X-MS-Certificate-Url"]));
        byte[] signature = Convert.FromBase64String(approved.Headers["Authorization"]["Signature ".Length..]);
        Assert.Contains("O=Microsoft Corporation", certificate.Issuer, StringComparison.Ordinal);
        Assert.True(certificate.GetRSAPublicKey()!.VerifyData(approved.Body, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.NotNull(activated);
    }

    [Fact]
    public async Task A_tampered_body_does_not_verify()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await this.RegisterAsync(receiver.Url, "granular-admin-relationship-approved");
        await Gdap.ActiveRelationshipAsync(this.Bed, SimulatorTestBed.Fabrikam);
        ReceivedWebhook approved = await FirstAsync(receiver, "granular-admin-relationship-approved");

        byte[] tampered = [.. approved.Body];
        tampered[^3] ^= 1;
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(await this.Bed.Http.GetByteArrayAsync(approved.Headers["X-MS-Certificate-Url"]));

        Assert.False(certificate.GetRSAPublicKey()!.VerifyData(tampered, Convert.FromBase64String(approved.Headers["Authorization"]["Signature ".Length..]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public async Task A_failing_receiver_gets_the_event_again_until_it_answers_2xx()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync(failFirst: 2);
        await this.RegisterAsync(receiver.Url, "granular-admin-relationship-approved");

        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(this.Bed, SimulatorTestBed.Fabrikam);
        // Partner Center stops once a delivery is answered 2xx: wait for that answer in its log, not for a quiet moment.
        DeliveryRecord[] log = await SimulatorTestBed.EventuallyAsync(
            async () => (await this.Bed.Http.GetFromJsonAsync<DeliveryRecord[]>("_sim/webhooks/deliveries"))!,
            l => l.Any(d => d.Status == 200));
        ReceivedWebhook[] deliveries = [.. receiver.Received];

        Assert.Equal(3, receiver.Received.Count);
        Assert.All(deliveries, d => Assert.Equal(deliveries[0].Body, d.Body));
        Assert.Equal([(1, 500), (2, 500), (3, 200)], log.Select(d => (d.Attempt, d.Status)));
    }

    [Fact]
    public async Task Only_subscribed_events_are_delivered()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        await this.RegisterAsync(receiver.Url, "granular-admin-relationship-activated");

        await Gdap.ActiveRelationshipAsync(this.Bed, SimulatorTestBed.Fabrikam);
        await FirstAsync(receiver, "granular-admin-relationship-activated");

        Assert.DoesNotContain(receiver.Received, w => EventOf(w) == "granular-admin-relationship-approved");
    }

    [Fact]
    public async Task The_signature_moves_to_x_ms_signature_when_the_registration_asks()
    {
        await using WebhookReceiver receiver = await WebhookReceiver.StartAsync();
        (await this.Bed.PartnerCenterAsync(HttpMethod.Post, "webhooks/v1/registration", new
        {
            WebhookUrl = receiver.Url,
            WebhookEvents = new[] { "test-created" },
            SignatureTokenToMsSignatureHeader = true,
        })).EnsureSuccessStatusCode();

        (await this.Bed.PartnerCenterAsync(HttpMethod.Post, "webhooks/v1/registration/validationEvents")).EnsureSuccessStatusCode();
        ReceivedWebhook test = await FirstAsync(receiver, "test-created");

        Assert.StartsWith("Signature ", test.Headers["x-ms-signature"], StringComparison.Ordinal);
        Assert.False(test.Headers.ContainsKey("Authorization"));
    }
}
