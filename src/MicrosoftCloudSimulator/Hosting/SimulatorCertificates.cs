using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MicrosoftCloudSimulator.Hosting;

/// <summary>
/// Certificates made at start, never stored: the HTTPS certificate (clients pin its thumbprint; nobody "accepts any
/// certificate"), the token-signing key, and the Partner Center webhook-signing certificate (issuer
/// <c>O=Microsoft Corporation</c>, as receivers check).
/// </summary>
public sealed class SimulatorCertificates : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="SimulatorCertificates"/> class.</summary>
    public SimulatorCertificates()
    {
        this.Https = SelfSigned("CN=MicrosoftCloudSimulator", https: true);
        this.WebhookSigning = SelfSigned("CN=pcnotifications-dispatch.microsoft.com, O=Microsoft Corporation, C=US", https: false);
        this.TokenSigningKey = RSA.Create(2048);
        this.TokenSigningKeyId = Convert.ToHexString(SHA256.HashData(this.TokenSigningKey.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>The HTTPS server certificate (127.0.0.1 and localhost).</summary>
    public X509Certificate2 Https { get; }

    /// <summary>SHA-1 thumbprint of <see cref="Https"/>, the value clients pin.</summary>
    public string HttpsThumbprint => this.Https.Thumbprint;

    /// <summary>Signs Partner Center webhook bodies; its public part is served at the certificate URL.</summary>
    public X509Certificate2 WebhookSigning { get; }

    /// <summary>Signs access tokens (RS256).</summary>
    public RSA TokenSigningKey { get; }

    /// <summary>The <c>kid</c> of the token-signing key.</summary>
    public string TokenSigningKeyId { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        this.Https.Dispose();
        this.WebhookSigning.Dispose();
        this.TokenSigningKey.Dispose();
    }

    static X509Certificate2 SelfSigned(string subject, bool https)
    {
        using RSA key = RSA.Create(2048);
        CertificateRequest request = new(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        if (https)
        {
            SubjectAlternativeNameBuilder names = new();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        }

        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        // Round-trip through PKCS#12 so the private key is usable by Kestrel's TLS on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }
}
