using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Api;

/// <summary>
/// <c>POST /api/webhooks/partner-center</c> (README, "Webhook setup"). Authenticated by Partner Center's signature, not a key:
/// RSA-SHA256 PKCS#1 over the raw body, with the certificate fetched only from an allowed https host, its issuer and
/// chain (or a pinned trust anchor) checked. Anything that does not verify is a 401 and changes nothing. A verified event
/// is recorded once in the inbox (replays and Partner Center's retries are no-ops), then routed to the onboarding that
/// owns the relationship; an unknown relationship is recorded and answered 200, so Partner Center does not retry it.
/// A relationship no onboarding has recorded yet (the customer approved in the moment between its lock and the step's end)
/// is asked of Graph for its customer, whose onboarding ID is derived from it.
/// </summary>
public sealed class PartnerCenterWebhook(
    DurableTaskClient client, IOnboardingStore store, IWebhookInbox inbox, WebhookCertificates certificates, ApiOptions api, PartnerTenant partner, TimeProvider time, IGdapRelationships relationships)
{
    /// <summary>How long one delivery's claim on an event keeps a concurrent delivery of it away.</summary>
    static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Receives one delivery.</summary>
    public async Task<IResult> ReceiveAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[]? body = await OnboardingApi.ReadAtMostAsync(request.Body, api.MaxBodyBytes, request.HttpContext.RequestAborted);
        if (body is null)
        {
            return ApiJson.Problem(413, "The request body is too large.");
        }

        if (await this.VerifyAsync(request, body) is { } refused)
        {
            return ApiJson.Problem(401, "The Partner Center signature did not verify.", refused);
        }

        JsonNode? payload;
        try
        {
            payload = JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return ApiJson.Problem(400, "The event is not JSON.");
        }

        string eventName = payload?["EventName"]?.GetValue<string>() ?? string.Empty;
        string resourceUri = payload?["ResourceUri"]?.GetValue<string>() ?? string.Empty;
        string key = Convert.ToHexString(SHA256.HashData(body));
        switch (await inbox.ClaimAsync(partner.Id, key, eventName, resourceUri, time.GetUtcNow(), ClaimTimeout, default))
        {
            case InboxClaim.Handled:
                return ApiJson.Json(new { status = "duplicate" });
            case InboxClaim.InProgress:
                return ApiJson.Problem(503, "This event is being handled by another delivery; Partner Center will deliver it again.");
        }

        // Should routing fail, the row stays "received": the next delivery (Partner Center retries a non-2xx) handles it again.
        string outcome = await this.RouteAsync(eventName, resourceUri);
        await inbox.MarkAsync(partner.Id, key, outcome, default);
        return ApiJson.Json(new { status = outcome });
    }

    async Task<string> RouteAsync(string eventName, string resourceUri)
    {
        string? relationshipId = RelationshipOf(resourceUri);
        if (relationshipId is null)
        {
            return "ignored: not a GDAP relationship event";
        }

        string? onboardingId = await store.FindByRelationshipAsync(partner.Id, relationshipId, default) ?? await this.OnboardingOfCustomerAsync(relationshipId);
        if (onboardingId is null || await store.GetAsync(partner.Id, onboardingId, default) is not { } onboarding)
        {
            return "unknown relationship";
        }

        switch (eventName)
        {
            case "granular-admin-relationship-approved" or "granular-admin-relationship-activated":
                OrchestrationMetadata? instance = await client.GetInstanceAsync(onboardingId);
                if (instance is not { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending })
                {
                    return $"ignored: onboarding {onboardingId} is not running";
                }

                await client.RaiseEventAsync(onboardingId, OnboardingEvents.RelationshipApproved, new RelationshipApproved(relationshipId, ApprovalSource.Webhook));
                return $"raised {OnboardingEvents.RelationshipApproved} on {onboardingId}";
            case "granular-admin-relationship-terminated" or "granular-admin-relationship-expired":
                string ended = eventName.EndsWith("terminated", StringComparison.Ordinal) ? "terminated" : "expired";
                await store.ApplyAsync(
                    new ProgressUpdate(onboarding.Subject, Shield: Shield.Blue, Message: $"The GDAP relationship {relationshipId} was {ended}: access through it has ended. Start a new onboarding to restore it.", Actor: "Partner Center"),
                    time.GetUtcNow(),
                    default);
                return $"shield blue on {onboardingId}: relationship {ended}";
            default:
                await store.ApplyAsync(new ProgressUpdate(onboarding.Subject, Message: $"Partner Center: {eventName} ({resourceUri}).", Actor: "Partner Center"), time.GetUtcNow(), default);
                return $"noted on {onboardingId}";
        }
    }

    /// <summary>The onboarding of the relationship's customer, by asking Graph whose relationship it is; null when Graph cannot say.</summary>
    async Task<string?> OnboardingOfCustomerAsync(string relationshipId)
    {
        try
        {
            return Gdap.RelationshipId.TryParse(relationshipId, out Gdap.RelationshipId id) && await relationships.GetAsync(id, default) is { CustomerTenantId: { } customer }
                ? OnboardingId.For(partner.Id, customer)
                : null;
        }
        catch (Exception unanswered) when (unanswered is StepFailedException or HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Null when the delivery is authentic, else why not. Everything that can be checked without a download is checked first.</summary>
    async Task<string?> VerifyAsync(HttpRequest request, byte[] body)
    {
        string? header = request.Headers.Authorization.FirstOrDefault() is { } auth && auth.StartsWith("Signature ", StringComparison.Ordinal)
            ? auth
            : request.Headers["x-ms-signature"].FirstOrDefault();
        if (header is null || !header.StartsWith("Signature ", StringComparison.Ordinal))
        {
            return "The Authorization (or x-ms-signature) header with a Signature is missing.";
        }

        if (!string.Equals(request.Headers["X-MS-Signature-Algorithm"].FirstOrDefault(), "rsa-sha256", StringComparison.OrdinalIgnoreCase))
        {
            return "X-MS-Signature-Algorithm must be rsa-sha256.";
        }

        // An RSA signature is as long as its key: 2048 to 8192 bits.
        byte[] signature = new byte[1024];
        if (!Convert.TryFromBase64String(header["Signature ".Length..].Trim(), signature, out int length) || length is < 256 or > 1024)
        {
            return "The signature is not a base64 RSA signature.";
        }

        if (CertificateUrl.Check(request.Headers["X-MS-Certificate-Url"].FirstOrDefault(), api.WebhookCertificateHosts, out string? badUrl) is not { } certificateUrl)
        {
            return badUrl;
        }

        (X509Certificate2? certificate, string? untrusted) = await certificates.GetTrustedAsync(certificateUrl, request.HttpContext.RequestAborted);
        if (certificate is null)
        {
            return untrusted;
        }

        using RSA? key = certificate.GetRSAPublicKey();
        return key?.VerifyData(body, signature.AsSpan(0, length), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) == true ? null : "The signature does not match the body.";
    }

    static string? RelationshipOf(string resourceUri)
    {
        string[] segments = Uri.TryCreate(resourceUri, UriKind.Absolute, out Uri? uri) ? uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) : [];
        int at = Array.FindIndex(segments, s => s.Equals("granularAdminRelationships", StringComparison.OrdinalIgnoreCase));
        return at >= 0 && at + 1 < segments.Length && Gdap.RelationshipId.TryParse(segments[at + 1], out Gdap.RelationshipId id) ? id.Value : null;
    }
}
