using System.Collections.Concurrent;
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
/// </summary>
public sealed class PartnerCenterWebhook(DurableTaskClient client, IOnboardingStore store, IWebhookInbox inbox, WebhookCertificates certificates, ApiOptions api, PartnerTenant partner, TimeProvider time)
{
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
        if (!await inbox.TryRecordAsync(partner.Id, key, eventName, resourceUri, time.GetUtcNow(), default))
        {
            return ApiJson.Json(new { status = "duplicate" });
        }

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

        string? onboardingId = await store.FindByRelationshipAsync(partner.Id, relationshipId, default);
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

                await client.RaiseEventAsync(onboardingId, OnboardingEvents.RelationshipApproved, new RelationshipApproved(relationshipId, "webhook"));
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

    /// <summary>Null when the delivery is authentic, else why not.</summary>
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

        if (!Uri.TryCreate(request.Headers["X-MS-Certificate-Url"].FirstOrDefault(), UriKind.Absolute, out Uri? certificateUrl)
            || certificateUrl.Scheme != Uri.UriSchemeHttps
            || !api.WebhookCertificateHosts.Contains(certificateUrl.Authority, StringComparer.OrdinalIgnoreCase) && !api.WebhookCertificateHosts.Contains(certificateUrl.Host, StringComparer.OrdinalIgnoreCase)
            || !certificateUrl.AbsolutePath.EndsWith(".cer", StringComparison.OrdinalIgnoreCase))
        {
            return "X-MS-Certificate-Url is not an https .cer URL on an allowed host.";
        }

        X509Certificate2? certificate = await certificates.GetAsync(certificateUrl);
        if (certificate is null)
        {
            return "The signing certificate could not be fetched.";
        }

        if (!certificate.Issuer.Contains(api.WebhookCertificateIssuer, StringComparison.Ordinal) || !certificates.IsTrusted(certificate))
        {
            return "The signing certificate is not issued by the expected authority.";
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(header["Signature ".Length..].Trim());
        }
        catch (FormatException)
        {
            return "The signature is not base64.";
        }

        using RSA? key = certificate.GetRSAPublicKey();
        return key?.VerifyData(body, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1) == true ? null : "The signature does not match the body.";
    }

    static string? RelationshipOf(string resourceUri)
    {
        string[] segments = Uri.TryCreate(resourceUri, UriKind.Absolute, out Uri? uri) ? uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries) : [];
        int at = Array.FindIndex(segments, s => s.Equals("granularAdminRelationships", StringComparison.OrdinalIgnoreCase));
        return at >= 0 && at + 1 < segments.Length && Gdap.RelationshipId.TryParse(segments[at + 1], out Gdap.RelationshipId id) ? id.Value : null;
    }
}

/// <summary>Partner Center's signing certificates: fetched once per URL (cached for an hour) and checked against the trust anchor.</summary>
/// <param name="http">Fetches certificates.</param>
/// <param name="trustAnchorThumbprint">When set, only this certificate (or one chaining to it) is trusted; else the system's roots.</param>
public sealed class WebhookCertificates(HttpClient http, string? trustAnchorThumbprint)
{
    readonly ConcurrentDictionary<Uri, (X509Certificate2 Certificate, DateTimeOffset Until)> cache = new();

    /// <summary>The certificate at <paramref name="url"/>, or null when it cannot be fetched or read.</summary>
    public async Task<X509Certificate2?> GetAsync(Uri url)
    {
        if (this.cache.TryGetValue(url, out (X509Certificate2 Certificate, DateTimeOffset Until) hit) && hit.Until > DateTimeOffset.UtcNow)
        {
            return hit.Certificate;
        }

        try
        {
            X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(await http.GetByteArrayAsync(url));
            this.cache[url] = (certificate, DateTimeOffset.UtcNow.AddHours(1));
            return certificate;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Whether the certificate is valid now and chains to the trust anchor (or the system's roots).</summary>
    public bool IsTrusted(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (DateTime.UtcNow < certificate.NotBefore.ToUniversalTime() || DateTime.UtcNow > certificate.NotAfter.ToUniversalTime())
        {
            return false;
        }

        if (trustAnchorThumbprint is { Length: > 0 } anchor)
        {
            return string.Equals(certificate.Thumbprint, anchor, StringComparison.OrdinalIgnoreCase);
        }

        using X509Chain chain = new();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.Online;
        return chain.Build(certificate);
    }
}
