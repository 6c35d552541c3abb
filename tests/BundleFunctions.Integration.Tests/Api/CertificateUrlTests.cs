using BundleFunctions.Api;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>What <c>X-MS-Certificate-Url</c> may be before anything is fetched from it.</summary>
public sealed class CertificateUrlTests
{
    static readonly string[] Allowed = ["3psostorageacct.blob.core.windows.net", "127.0.0.1:7443"];

    [Theory]
    [InlineData("https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer", "https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer")]
    [InlineData("https://3PSOSTORAGEACCT.blob.core.windows.net/cert/pcnotifications.microsoft.com.cer", "https://3psostorageacct.blob.core.windows.net/cert/pcnotifications.microsoft.com.cer")]
    [InlineData("https://127.0.0.1:7443/cert/pcnotifications-dispatch.microsoft.com.cer", "https://127.0.0.1:7443/cert/pcnotifications-dispatch.microsoft.com.cer")]
    public void Partner_centers_url_on_an_allowed_host_is_accepted_and_normalized(string header, string key)
    {
        CertificateUrl? url = CertificateUrl.Check(header, Allowed, out string? refused);

        Assert.Equal((key, null), (url?.Key, refused));
    }

    [Theory]
    [InlineData("http://3psostorageacct.blob.core.windows.net/cert/a.cer")]
    [InlineData("https://3psostorageacct.blob.core.windows.net:8443/cert/a.cer")]
    [InlineData("https://3psostorageacct.blob.core.windows.net:443/cert/a.cer")]
    [InlineData("https://127.0.0.1:7444/cert/a.cer")]
    [InlineData("https://user:pw@3psostorageacct.blob.core.windows.net/cert/a.cer")]
    [InlineData("https://3psostorageacct.blob.core.windows.net/cert/a.cer?sig=1")]
    [InlineData("https://3psostorageacct.blob.core.windows.net/cert/a.cer#x")]
    [InlineData("https://3psostorageacct.blob.core.windows.net/cert/a%2ecer")]
    [InlineData("https://3psostorageacct.blob.core.windows.net/cert/../cert/a.cer")]
    [InlineData("https://3psostorageacct.blob.core.windows.net/other/a.cer")]
    [InlineData("https://3psostorageacct.blob.core.windows.net/cert/sub/a.cer")]
    [InlineData("https://3psostorageacct.blob.core.windows.net/cert/a.pem")]
    [InlineData("https://3psostorageacct.blob.core.windows.net.evil.example/cert/a.cer")]
    [InlineData("https://evil.example/cert/a.cer")]
    [InlineData("/cert/a.cer")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_is_refused_before_a_fetch(string? header)
    {
        CertificateUrl? url = CertificateUrl.Check(header, Allowed, out string? refused);

        Assert.Null(url);
        Assert.Contains(
            refused,
            new[]
            {
                "X-MS-Certificate-Url must be an https URL of the form https://<allowed host>/cert/<name>.cer, without port, user, query, fragment or escapes.",
                "X-MS-Certificate-Url is not on an allowed host (Api__WebhookCertificateHosts).",
            });
    }
}
