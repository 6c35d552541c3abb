using System.Buffers.Text;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// How the partner's app proves who it is to Entra ID: a certificate (preferred — nothing secret crosses the wire, it
/// signs a short-lived client assertion) or a client secret. The same proof serves both the app's own tokens and the
/// service account's refresh-token redemption, which Entra also demands from a confidential client.
/// </summary>
public sealed class AppCredential : IDisposable
{
    readonly string clientId;
    readonly string? secret;
    readonly X509Certificate2? certificate;

    AppCredential(string clientId, string? secret, X509Certificate2? certificate)
    {
        this.clientId = clientId;
        this.secret = secret;
        this.certificate = certificate;
    }

    /// <summary>Whether the app signs in with a certificate.</summary>
    public bool UsesCertificate => this.certificate is not null;

    /// <summary>When the certificate in use expires; null for a secret.</summary>
    public DateTimeOffset? CertificateExpiresOn => this.certificate is null ? null : new DateTimeOffset(this.certificate.NotAfter.ToUniversalTime());

    /// <summary>
    /// The secret's first three characters: what Entra shows of it (<c>passwordCredential.hint</c>), so the report can tell
    /// which of the app's secrets is this deployment's. Not a secret itself (the portal shows it to every reader).
    /// </summary>
    public string? SecretHint => this.certificate is null && this.secret is { Length: >= 3 } value ? value[..3] : null;

    /// <summary>The certificate's SHA-1 thumbprint (<c>keyCredential.customKeyIdentifier</c>); null for a secret.</summary>
    public string? CertificateThumbprint => this.certificate?.Thumbprint;

    /// <summary>The credential from the options: <see cref="MicrosoftCloudOptions.ClientCertificate"/> when set, else the secret.</summary>
    /// <param name="options">The Microsoft cloud options.</param>
    /// <returns>The credential.</returns>
    public static AppCredential From(MicrosoftCloudOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Only the credential in use is checked: an unresolved secret beside a working certificate harms nothing.
        (string name, string? value) inUse = options.ClientCertificate is { Length: > 0 }
            ? (nameof(MicrosoftCloudOptions.ClientCertificate), options.ClientCertificate)
            : (nameof(MicrosoftCloudOptions.ClientSecret), options.ClientSecret);
        if (Settings.SettingsSection.IsUnresolvedKeyVaultReference(inUse.value))
        {
            // App Service passes a Key Vault reference it could not resolve on as its own text: say so, not "invalid secret".
            throw new InvalidOperationException(UnresolvedMessage(inUse.name));
        }

        if (string.IsNullOrEmpty(inUse.value))
        {
            throw new InvalidOperationException(
                "Neither MicrosoftCloud__ClientCertificate nor MicrosoftCloud__ClientSecret is set: the app cannot sign in. Store the app's certificate (preferred) or secret in Key Vault (infra/README.md, \"After deployment\") and restart.");
        }

        X509Certificate2? certificate = null;
        if (options.ClientCertificate is { Length: > 0 } encoded)
        {
            try
            {
                // A Key Vault certificate read as a secret (what a Key Vault reference yields) is exactly this: base64 PKCS#12.
                certificate = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(encoded), password: null);
            }
            catch (Exception e) when (e is FormatException or CryptographicException)
            {
                throw new InvalidOperationException("MicrosoftCloud__ClientCertificate must be a base64 PKCS#12 (PFX) without a password, with its private key.", e);
            }

            if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
            {
                throw new InvalidOperationException("MicrosoftCloud__ClientCertificate has no RSA private key: the app cannot sign with it.");
            }
        }

        return new AppCredential(options.ClientId.ToString(), options.ClientSecret, certificate);
    }

    /// <summary>What to say about a credential setting that is a Key Vault reference App Service could not resolve.</summary>
    /// <param name="setting">The MicrosoftCloud setting's name.</param>
    /// <returns>The cause and the fix.</returns>
    public static string UnresolvedMessage(string setting) =>
        $"MicrosoftCloud__{setting} is a Key Vault reference that did not resolve: store the secret it names in the vault (infra/README.md, \"After deployment\") and check that the app's identity can read it, then restart the app.";

    /// <summary>The app's token credential in a tenant.</summary>
    /// <param name="tenantId">The tenant whose authority issues tokens.</param>
    /// <param name="authorityHost">The Entra ID host (or the simulator).</param>
    /// <param name="disableInstanceDiscovery">True off Microsoft's cloud, where instance discovery cannot work.</param>
    /// <param name="transport">The HTTP transport (TLS trust).</param>
    /// <returns>A client certificate or client secret credential.</returns>
    public TokenCredential For(Guid tenantId, Uri authorityHost, bool disableInstanceDiscovery, HttpPipelineTransport transport) =>
        this.certificate is not null
            ? new ClientCertificateCredential(tenantId.ToString(), this.clientId, this.certificate, new ClientCertificateCredentialOptions
            {
                AuthorityHost = authorityHost,
                DisableInstanceDiscovery = disableInstanceDiscovery,
                Transport = transport,
            })
            : new ClientSecretCredential(
                tenantId.ToString(),
                this.clientId,
                this.secret ?? throw new InvalidOperationException("Neither MicrosoftCloud__ClientCertificate nor MicrosoftCloud__ClientSecret is set."),
                new ClientSecretCredentialOptions { AuthorityHost = authorityHost, DisableInstanceDiscovery = disableInstanceDiscovery, Transport = transport });

    /// <summary>Adds the client authentication to a token request form posted to <paramref name="tokenEndpoint"/>.</summary>
    /// <param name="form">The form fields.</param>
    /// <param name="tokenEndpoint">The token endpoint (the assertion's audience).</param>
    /// <param name="now">The time the assertion is issued.</param>
    public void AuthenticateRequest(IDictionary<string, string> form, Uri tokenEndpoint, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(form);
        ArgumentNullException.ThrowIfNull(tokenEndpoint);
        form["client_id"] = this.clientId;
        if (this.certificate is not null)
        {
            form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
            form["client_assertion"] = this.SignAssertion(tokenEndpoint, now);
        }
        else if (this.secret is not null)
        {
            form["client_secret"] = this.secret;
        }
    }

    /// <summary>Entra's client assertion: RS256, the certificate named by its SHA-1 and SHA-256 thumbprints, valid ten minutes.</summary>
    string SignAssertion(Uri tokenEndpoint, DateTimeOffset now)
    {
        string header = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string>
        {
            ["alg"] = "RS256",
            ["typ"] = "JWT",
            ["x5t"] = Base64Url.EncodeToString(this.certificate!.GetCertHash(HashAlgorithmName.SHA1)),
            ["x5t#S256"] = Base64Url.EncodeToString(this.certificate.GetCertHash(HashAlgorithmName.SHA256)),
        }));
        string claims = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["aud"] = tokenEndpoint.AbsoluteUri,
            ["iss"] = this.clientId,
            ["sub"] = this.clientId,
            ["jti"] = Guid.NewGuid().ToString(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
        }));
        using RSA key = this.certificate.GetRSAPrivateKey()!;
        byte[] signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{claims}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{claims}.{Base64Url.EncodeToString(signature)}";
    }

    /// <inheritdoc />
    public void Dispose() => this.certificate?.Dispose();
}
