using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace BundleFunctions.Api;

/// <summary>
/// Partner Center's signing certificates, fetched as little as an unauthenticated caller can make us: the URL is checked
/// whole before anything is fetched (<see cref="CertificateUrl"/>), redirects are not followed, a response is read to
/// 16 KB at most, and a URL never seen to give a trusted certificate is fetched at most once per interval — whatever a
/// forger names. Each URL's outcome (the certificate with its trust decision, or the failure) is remembered: a trusted
/// certificate for an hour, a failure for five minutes, in a bounded cache keyed by the normalized URL.
/// </summary>
public sealed partial class WebhookCertificates : IDisposable
{
    /// <summary>The most a certificate download may be (a DER certificate is 1–2 KB).</summary>
    public const int MaxCertificateBytes = 16 * 1024;

    const int MaxCachedUrls = 32;
    static readonly TimeSpan TrustedFor = TimeSpan.FromHours(1);
    static readonly TimeSpan FailureRememberedFor = TimeSpan.FromMinutes(5);

    readonly HttpClient http;
    readonly string? trustAnchorThumbprint;
    readonly string issuerOrganization;
    readonly TimeSpan newUrlInterval;
    readonly TimeProvider time;
    readonly X509Certificate2Collection? roots;
    readonly Lock gate = new();
    readonly Dictionary<string, Entry> cache = new(StringComparer.Ordinal);
    readonly Dictionary<string, Task<Entry>> inFlight = new(StringComparer.Ordinal);
    readonly HashSet<string> everTrusted = new(StringComparer.Ordinal);
    DateTimeOffset nextNewUrlFetch = DateTimeOffset.MinValue;

    /// <summary>Initializes a new instance of the <see cref="WebhookCertificates"/> class.</summary>
    /// <param name="handler">The transport (TLS trust); redirects are turned off on it.</param>
    /// <param name="trustAnchorThumbprint">When set (development), only this certificate is trusted; else the chain must build to the system's roots.</param>
    /// <param name="issuerOrganization">The organization the issuer must name, exactly.</param>
    /// <param name="newUrlInterval">How often a URL never seen to be trusted may be fetched.</param>
    /// <param name="time">The clock.</param>
    /// <param name="roots">The roots a chain must build to; the system's when null (as deployed: Partner Center's certificates chain to public roots).</param>
    public WebhookCertificates(SocketsHttpHandler handler, string? trustAnchorThumbprint, string issuerOrganization, TimeSpan newUrlInterval, TimeProvider time, X509Certificate2Collection? roots = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        handler.AllowAutoRedirect = false;
        this.http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10), MaxResponseContentBufferSize = MaxCertificateBytes };
        this.trustAnchorThumbprint = trustAnchorThumbprint;
        this.issuerOrganization = issuerOrganization;
        this.newUrlInterval = newUrlInterval;
        this.time = time;
        this.roots = roots;
    }

    /// <summary>The trusted certificate at <paramref name="url"/>, or why there is none.</summary>
    /// <param name="url">A URL <see cref="CertificateUrl.Check"/> accepted.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The certificate, or null with the reason.</returns>
    public async Task<(X509Certificate2? Certificate, string? Refused)> GetTrustedAsync(CertificateUrl url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        DateTimeOffset now = this.time.GetUtcNow();
        Task<Entry> fetch;
        lock (this.gate)
        {
            if (this.cache.TryGetValue(url.Key, out Entry? hit) && hit.Until > now)
            {
                return (hit.Certificate, hit.Refused);
            }

            if (this.inFlight.TryGetValue(url.Key, out Task<Entry>? running))
            {
                // Partner Center's deliveries come in bursts: they wait for the one download, not one each.
                fetch = running;
            }
            else
            {
                if (!this.everTrusted.Contains(url.Key))
                {
                    if (now < this.nextNewUrlFetch)
                    {
                        return (null, "The certificate URL is new and another new one was fetched moments ago; Partner Center retries.");
                    }

                    this.nextNewUrlFetch = now + this.newUrlInterval;
                }

                fetch = this.FetchAndKeepAsync(url);
                this.inFlight[url.Key] = fetch;
            }
        }

        Entry entry = await fetch.WaitAsync(cancellationToken);
        return (entry.Certificate, entry.Refused);
    }

    /// <summary>One download shared by every delivery that asks meanwhile (bounded by the client's timeout, not a caller's), then cached.</summary>
    async Task<Entry> FetchAndKeepAsync(CertificateUrl url)
    {
        await Task.Yield(); // registered as in flight before the download starts
        Entry entry;
        try
        {
            entry = await this.FetchAsync(url, CancellationToken.None);
        }
        catch
        {
            lock (this.gate)
            {
                this.inFlight.Remove(url.Key);
            }

            throw;
        }

        lock (this.gate)
        {
            // Cached and no longer in flight at once: a delivery never finds neither.
            this.inFlight.Remove(url.Key);
            if (this.cache.Count >= MaxCachedUrls)
            {
                foreach (string stale in this.cache.OrderBy(e => e.Value.Until).Take(this.cache.Count - MaxCachedUrls + 1).Select(e => e.Key).ToList())
                {
                    this.cache.Remove(stale);
                }
            }

            this.cache[url.Key] = entry;
            if (entry.Certificate is not null)
            {
                this.everTrusted.Add(url.Key);
            }
        }

        return entry;
    }

    async Task<Entry> FetchAsync(CertificateUrl url, CancellationToken cancellationToken)
    {
        DateTimeOffset now = this.time.GetUtcNow();
        Entry Failed(string why) => new(null, why, now + FailureRememberedFor);
        X509Certificate2 certificate;
        try
        {
            using HttpResponseMessage response = await this.http.GetAsync(url.Value, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return Failed($"The signing certificate could not be fetched ({(int)response.StatusCode}).");
            }

            if (response.Content.Headers.ContentLength > MaxCertificateBytes)
            {
                return Failed("The signing certificate download is larger than a certificate can be.");
            }

            byte[] bytes = await ReadAtMostAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken);
            certificate = X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or CryptographicException or InvalidDataException)
        {
            return Failed("The signing certificate could not be fetched or read.");
        }

        if (!this.IsTrusted(certificate))
        {
            certificate.Dispose();
            return Failed("The signing certificate is not issued by the expected authority.");
        }

        return new Entry(certificate, null, now + TrustedFor);
    }

    static async Task<byte[]> ReadAtMostAsync(Stream body, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[MaxCertificateBytes + 1];
        int read = 0;
        for (int n; read < buffer.Length && (n = await body.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0;)
        {
            read += n;
        }

        return read > MaxCertificateBytes ? throw new InvalidDataException("Too large.") : buffer[..read];
    }

    /// <summary>Valid now, issued by the expected organization (exactly), and chaining to the trust anchor or the system's roots.</summary>
    bool IsTrusted(X509Certificate2 certificate)
    {
        DateTime now = this.time.GetUtcNow().UtcDateTime;
        if (now < certificate.NotBefore.ToUniversalTime() || now > certificate.NotAfter.ToUniversalTime())
        {
            return false;
        }

        string[] organizations = [.. certificate.IssuerName.EnumerateRelativeDistinguishedNames()
            .Where(rdn => rdn.GetSingleElementType().Value == "2.5.4.10")
            .Select(rdn => rdn.GetSingleElementValue() ?? string.Empty)];
        if (organizations is not [string organization] || !string.Equals(organization, this.issuerOrganization, StringComparison.Ordinal))
        {
            return false;
        }

        if (this.trustAnchorThumbprint is { Length: > 0 } anchor)
        {
            return string.Equals(certificate.Thumbprint, anchor, StringComparison.OrdinalIgnoreCase);
        }

        using X509Chain chain = new();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.Online;
        chain.ChainPolicy.VerificationTime = now;
        if (this.roots is not null)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(this.roots);
        }

        return chain.Build(certificate);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        this.http.Dispose();
        foreach (Entry entry in this.cache.Values)
        {
            entry.Certificate?.Dispose();
        }
    }

    sealed record Entry(X509Certificate2? Certificate, string? Refused, DateTimeOffset Until);
}

/// <summary>
/// An <c>X-MS-Certificate-Url</c> checked whole before anything is fetched: https, an allowed host (its port only where the
/// allowed entry names one, i.e. development), no user info, query or fragment, no escapes, and the path
/// <c>/cert/&lt;name&gt;.cer</c> where Partner Center publishes its certificate (the check CIPP's validator makes).
/// </summary>
public sealed partial record CertificateUrl
{
    CertificateUrl(Uri value, string key)
    {
        this.Value = value;
        this.Key = key;
    }

    /// <summary>The URL to fetch.</summary>
    public Uri Value { get; }

    /// <summary>The normalized URL (lower-case host): one cache entry however a forger spells it.</summary>
    public string Key { get; }

    /// <summary>The URL from the header, or why it is refused.</summary>
    /// <param name="header">The header's value.</param>
    /// <param name="allowedHosts">The allowed hosts (<c>host</c> or, for development, <c>host:port</c>).</param>
    /// <param name="refused">Why it is refused.</param>
    /// <returns>The URL, or null.</returns>
    public static CertificateUrl? Check(string? header, IEnumerable<string> allowedHosts, out string? refused)
    {
        ArgumentNullException.ThrowIfNull(allowedHosts);
        refused = "X-MS-Certificate-Url must be an https URL of the form https://<allowed host>/cert/<name>.cer, without port, user, query, fragment or escapes.";
        if (header is null || header.IndexOfAny(['?', '#', '%', '@', '\\']) >= 0 || header.Any(char.IsControl)
            || !Uri.TryCreate(header, UriKind.Absolute, out Uri? url) || url.Scheme != Uri.UriSchemeHttps || url.UserInfo.Length > 0
            || !CertificatePath().IsMatch(url.AbsolutePath) || !url.AbsolutePath.Equals(url.OriginalString[(url.OriginalString.IndexOf(url.Authority, StringComparison.OrdinalIgnoreCase) + url.Authority.Length)..], StringComparison.Ordinal))
        {
            return null;
        }

        // Authority leaves out the default port: "host" matches only 443, "host:7443" only that port.
        string authority = url.Authority.ToLowerInvariant();
        if (!allowedHosts.Any(allowed => string.Equals(allowed, authority, StringComparison.OrdinalIgnoreCase)))
        {
            refused = "X-MS-Certificate-Url is not on an allowed host (Api__WebhookCertificateHosts).";
            return null;
        }

        refused = null;
        return new CertificateUrl(url, $"https://{authority}{url.AbsolutePath}");
    }

    [GeneratedRegex("^/cert/[A-Za-z0-9._-]+\\.cer$", RegexOptions.CultureInvariant)]
    private static partial Regex CertificatePath();
}
