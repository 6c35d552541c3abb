using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BundleFunctions.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>
/// The path a deployed app takes, where no trust anchor is pinned: the signing certificate must chain to a trusted root,
/// pass revocation (its CRL fetched as the chain engine does) and name the expected issuer organization. A test
/// authority stands for Microsoft's public one; its CRL and the certificates are served over https from an allowed host.
/// </summary>
public sealed class WebhookCertificateChainTests : IAsyncLifetime
{
    const string Organization = "Microsoft Corporation";
    readonly Dictionary<string, byte[]> served = [];
    WebApplication server = null!;
    int certificateDownloads;
    X509Certificate2 authority = null!;
    X509Certificate2 tls = null!;
    string httpsHost = null!;
    string crlUrl = null!;

    public async Task InitializeAsync()
    {
        this.tls = SelfSigned("CN=127.0.0.1", "Test TLS", TimeSpan.FromDays(1));
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(this.tls));
            k.Listen(IPAddress.Loopback, 0); // the CRL distribution point is plain http, as public CAs publish theirs
        });
        this.server = builder.Build();
        this.server.MapGet("/cert/{name}", async (string name) =>
        {
            Interlocked.Increment(ref this.certificateDownloads);
            await Task.Delay(100); // a download takes a moment: a burst of deliveries arrives meanwhile
            return this.served.TryGetValue($"/cert/{name}", out byte[]? der) ? Results.Bytes(der, "application/pkix-cert") : Results.NotFound();
        });
        this.server.MapGet("/crl/{name}", (string name) => this.served.TryGetValue($"/crl/{name}", out byte[]? der) ? Results.Bytes(der, "application/pkix-crl") : Results.NotFound());
        await this.server.StartAsync();
        string[] urls = [.. this.server.Urls];
        this.httpsHost = new Uri(urls.Single(u => u.StartsWith("https://", StringComparison.Ordinal))).Authority;
        this.crlUrl = urls.Single(u => u.StartsWith("http://", StringComparison.Ordinal)) + "/crl/authority.crl";

        this.authority = SelfSigned($"CN=Test Secure Server CA, O={Organization}", null, TimeSpan.FromDays(30), isAuthority: true);
        this.Publish(revokedSerials: []);
    }

    public async Task DisposeAsync()
    {
        await this.server.DisposeAsync();
        this.authority.Dispose();
        this.tls.Dispose();
    }

    [Fact]
    public async Task A_certificate_issued_by_a_trusted_authority_and_not_revoked_is_trusted_without_a_pinned_anchor()
    {
        using X509Certificate2 leaf = this.Issue("pcnotifications-dispatch.microsoft.com");
        this.served["/cert/good.cer"] = leaf.RawData;

        (X509Certificate2? trusted, string? refused) = await this.CertificatesTrusting(this.authority).GetTrustedAsync(this.Url("good"), default);

        Assert.Equal((leaf.Thumbprint, null), (trusted?.Thumbprint, refused));
    }

    [Fact]
    public async Task A_self_signed_certificate_naming_the_expected_issuer_organization_is_refused()
    {
        using X509Certificate2 forged = SelfSigned($"CN=pcnotifications-dispatch.microsoft.com, O={Organization}", null, TimeSpan.FromDays(1));
        this.served["/cert/forged.cer"] = forged.RawData;

        (X509Certificate2? trusted, string? refused) = await this.CertificatesTrusting(this.authority).GetTrustedAsync(this.Url("forged"), default);

        Assert.Equal((null, "The signing certificate is not issued by the expected authority."), (trusted, refused));
    }

    [Fact]
    public async Task A_certificate_its_authority_revoked_is_refused()
    {
        using X509Certificate2 leaf = this.Issue("pcnotifications-dispatch.microsoft.com");
        this.served["/cert/revoked.cer"] = leaf.RawData;
        this.Publish(revokedSerials: [leaf.SerialNumberBytes.ToArray()]);

        (X509Certificate2? trusted, string? refused) = await this.CertificatesTrusting(this.authority).GetTrustedAsync(this.Url("revoked"), default);

        Assert.Equal((null, "The signing certificate is not issued by the expected authority."), (trusted, refused));
    }

    [Fact]
    public async Task A_certificate_from_an_authority_the_system_does_not_trust_is_refused()
    {
        using X509Certificate2 leaf = this.Issue("pcnotifications-dispatch.microsoft.com");
        this.served["/cert/unknown-root.cer"] = leaf.RawData;
        using X509Certificate2 anotherRoot = SelfSigned($"CN=Another Root, O={Organization}", null, TimeSpan.FromDays(30), isAuthority: true);

        (X509Certificate2? trusted, string? refused) = await this.CertificatesTrusting(anotherRoot).GetTrustedAsync(this.Url("unknown-root"), default);

        Assert.Equal((null, "The signing certificate is not issued by the expected authority."), (trusted, refused));
    }

    [Fact]
    public async Task A_burst_of_deliveries_naming_the_same_new_certificate_url_shares_one_download_and_each_is_trusted()
    {
        using X509Certificate2 leaf = this.Issue("pcnotifications-dispatch.microsoft.com");
        this.served["/cert/burst.cer"] = leaf.RawData;
        WebhookCertificates certificates = this.CertificatesTrusting(this.authority, newUrlInterval: TimeSpan.FromHours(1));

        (X509Certificate2? Certificate, string? Refused)[] answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => certificates.GetTrustedAsync(this.Url("burst"), default)));

        Assert.All(answers, a => Assert.Equal((leaf.Thumbprint, null), (a.Certificate?.Thumbprint, a.Refused)));
        Assert.Equal(1, this.certificateDownloads);
    }

    WebhookCertificates CertificatesTrusting(X509Certificate2 root, TimeSpan newUrlInterval = default)
    {
        SocketsHttpHandler handler = new();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate?.GetCertHashString() == this.tls.Thumbprint;
        return new WebhookCertificates(handler, trustAnchorThumbprint: null, Organization, newUrlInterval, TimeProvider.System, [root]);
    }

    CertificateUrl Url(string name) =>
        CertificateUrl.Check($"https://{this.httpsHost}/cert/{name}.cer", [this.httpsHost], out string? refused) ?? throw new InvalidOperationException(refused);

    /// <summary>A signing certificate from the test authority, with its CRL distribution point.</summary>
    X509Certificate2 Issue(string commonName)
    {
        using RSA key = RSA.Create(2048);
        CertificateRequest request = new($"CN={commonName}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, critical: true));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([this.crlUrl]));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(this.authority, true, false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using X509Certificate2 issued = request.Create(this.authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        return X509CertificateLoader.LoadCertificate(issued.RawData);
    }

    /// <summary>The authority's current CRL, listing <paramref name="revokedSerials"/>.</summary>
    void Publish(IReadOnlyList<byte[]> revokedSerials)
    {
        CertificateRevocationListBuilder crl = new();
        foreach (byte[] serial in revokedSerials)
        {
            crl.AddEntry(serial, DateTimeOffset.UtcNow.AddMinutes(-1), X509RevocationReason.KeyCompromise);
        }

        this.served["/crl/authority.crl"] = crl.Build(this.authority, System.Numerics.BigInteger.One + revokedSerials.Count, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    static X509Certificate2 SelfSigned(string subject, string? dnsName, TimeSpan lifetime, bool isAuthority = false)
    {
        using RSA key = RSA.Create(2048);
        CertificateRequest request = new(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isAuthority, false, 0, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        if (isAuthority)
        {
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, critical: true));
        }
        else
        {
            SubjectAlternativeNameBuilder names = new();
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        using X509Certificate2 created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow + lifetime);
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }
}
