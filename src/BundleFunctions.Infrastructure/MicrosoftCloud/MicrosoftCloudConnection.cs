using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Graph;
using Microsoft.Kiota.Authentication.Azure;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// The one place that knows how to reach the Microsoft cloud: TLS trust (system store, or one pinned certificate in
/// development), app credentials per tenant (the partner's, or a customer's through consent), and Graph clients whose
/// auth provider sends tokens to the configured Graph host only.
/// </summary>
public sealed class MicrosoftCloudConnection : IDisposable
{
    readonly MicrosoftCloudOptions options;
    readonly MicrosoftCallTelemetry telemetry;
    readonly HttpMessageHandler tokenHandler;
    readonly ConcurrentDictionary<Guid, TokenCredential> credentials = new();
    readonly ConcurrentDictionary<Guid, GraphServiceClient> graphClients = new();
    readonly ConcurrentDictionary<Guid, GraphServiceClient> delegatedGraphClients = new();
    readonly Lazy<HttpClient> graphHttp;
    readonly Lazy<ServiceAccountSession> serviceAccount;
    readonly Lazy<RefreshTokenVault?> vault;
    readonly AppCredential app;

    /// <summary>Initializes a new instance of the <see cref="MicrosoftCloudConnection"/> class.</summary>
    /// <param name="options">Where the cloud is and how to sign in.</param>
    /// <param name="resilience">How calls are retried; the production policy when null.</param>
    /// <param name="telemetry">Logs and metrics of each call; none when null (tools and tests that only need a handler).</param>
    public MicrosoftCloudConnection(MicrosoftCloudOptions options, MicrosoftCloudResilience? resilience = null, MicrosoftCallTelemetry? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.options = options;
        this.telemetry = telemetry ?? MicrosoftCallTelemetry.Unobserved;
        this.Resilience = resilience ?? MicrosoftCloudResilience.Default;
        this.tokenHandler = this.CreateHandler();
        this.graphHttp = new(() =>
        {
            List<DelegatingHandler> handlers = [.. GraphClientFactory.CreateDefaultHandlers().Where(h => h is not Microsoft.Kiota.Http.HttpClientLibrary.Middleware.RetryHandler)];
            handlers.Insert(0, new ResilienceHandler(this.Resilience, this.telemetry));
            return GraphClientFactory.Create(handlers, finalHandler: this.CreateHandler());
        });
        this.app = AppCredential.From(options);
        this.vault = new(() => this.options.ServiceAccountRefreshTokenSecretUri is { } secretUri ? this.RefreshTokenVaultAt(secretUri) : null);
        this.serviceAccount = new(() => new ServiceAccountSession(
            new HttpClient(new ResilienceHandler(this.Resilience, this.telemetry) { InnerHandler = this.CreateHandler() }),
            this.options.AuthorityHost,
            this.app,
            this.options.ServiceAccountRefreshToken ?? string.Empty,
            this.vault.Value));
    }

    /// <summary>
    /// The vault that keeps rotated refresh tokens. In Azure the app's managed identity signs in to it; against the
    /// simulator (a pinned certificate means development) the app itself does, and the vault's challenge may name a
    /// resource other than the vault's host.
    /// </summary>
    RefreshTokenVault RefreshTokenVaultAt(Uri secretUri)
    {
        KeyVaultSecretIdentifier secret = new(secretUri);
        bool development = this.options.PinnedCertificateThumbprint is { Length: > 0 };
        SecretClientOptions vaultOptions = new()
        {
            Transport = new HttpClientTransport(new HttpClient(this.CreateHandler())),
            DisableChallengeResourceVerification = development,
        };
        TokenCredential identity = development
            ? this.CredentialFor(this.options.PartnerTenantId)
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = this.options.KeyVaultIdentityClientId });
        return new RefreshTokenVault(new SecretClient(secret.VaultUri, identity, vaultOptions), secret.Name);
    }

    /// <summary>How calls are retried.</summary>
    public MicrosoftCloudResilience Resilience { get; }

    /// <summary>How the app proves who it is.</summary>
    public AppCredential App => this.app;

    /// <summary>The vault secret that keeps the service account's refresh token, when one is configured (the session's own).</summary>
    public RefreshTokenVault? Vault => this.vault.Value;

    /// <summary>The partner's service account signed in to the partner tenant (App+User), for Partner Center calls that refuse app-only tokens.</summary>
    public TokenCredential ServiceAccount => this.serviceAccount.Value.In(this.options.PartnerTenantId);

    /// <summary>The service account signed in to a customer tenant through GDAP: its rights there are its GDAP roles.</summary>
    /// <param name="customerTenantId">The customer.</param>
    /// <returns>The credential (cached per tenant).</returns>
    public TokenCredential ServiceAccountIn(Guid customerTenantId) => this.serviceAccount.Value.In(customerTenantId);

    /// <summary>The options this connection was made with.</summary>
    public MicrosoftCloudOptions Options => this.options;

    /// <summary>A transport handler with this connection's TLS trust (pinned certificate or system store).</summary>
    /// <returns>A new handler; the caller owns it.</returns>
    public HttpMessageHandler CreateHandler() => CreateHandler(this.options.PinnedCertificateThumbprint);

    /// <summary>A transport handler trusting the system store, or exactly one pinned server certificate (development).</summary>
    /// <param name="pinnedCertificateThumbprint">The SHA-1 thumbprint to trust instead of the system store; null for the store.</param>
    /// <returns>A new handler; the caller owns it.</returns>
    public static SocketsHttpHandler CreateHandler(string? pinnedCertificateThumbprint)
    {
        SocketsHttpHandler handler = new() { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (pinnedCertificateThumbprint is { Length: > 0 } pinned)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is X509Certificate2 presented && string.Equals(presented.Thumbprint, pinned, StringComparison.OrdinalIgnoreCase);
        }

        return handler;
    }

    /// <summary>The app's credential in a tenant: the partner's own, or a customer's the app is consented into.</summary>
    /// <param name="tenantId">The tenant whose authority issues the token.</param>
    /// <returns>The credential (cached per tenant; tokens are cached inside it).</returns>
    public TokenCredential CredentialFor(Guid tenantId) => this.credentials.GetOrAdd(tenantId, tenant =>
        this.app.For(
            tenant,
            this.options.AuthorityHost,
            disableInstanceDiscovery: !this.options.IsMicrosoftAuthority,
            new HttpClientTransport(new HttpClient(this.tokenHandler, disposeHandler: false))));

    /// <summary>A Graph client acting as the app in a tenant (app-only: the partner's own tenant).</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <returns>The client (cached per tenant).</returns>
    public GraphServiceClient GraphFor(Guid tenantId) => this.graphClients.GetOrAdd(tenantId, tenant => this.GraphWith(this.CredentialFor(tenant)));

    /// <summary>
    /// A Graph client acting as the service account inside a customer tenant, with its GDAP roles there (the GDAP way:
    /// Partner Center consent grants the app delegated permissions only, so app-only calls into customers are refused).
    /// </summary>
    /// <param name="customerTenantId">The customer.</param>
    /// <returns>The client (cached per customer).</returns>
    public GraphServiceClient GraphAsServiceAccountIn(Guid customerTenantId) =>
        this.delegatedGraphClients.GetOrAdd(customerTenantId, tenant => this.GraphWith(this.ServiceAccountIn(tenant)));

    /// <summary>One Graph HTTP pipeline for every client: the SDK's middleware with its retry handler replaced by our one policy.</summary>
    HttpClient GraphHttp => this.graphHttp.Value;

    GraphServiceClient GraphWith(TokenCredential credential)
    {
        AzureIdentityAuthenticationProvider auth = new(credential, allowedHosts: [this.options.GraphBaseUrl.Host], scopes: [MicrosoftCloudOptions.GraphScope]);
        return new GraphServiceClient(this.GraphHttp, auth, this.options.GraphBaseUrl.AbsoluteUri.TrimEnd('/'));
    }

    /// <summary>An HTTP client for Partner Center: its base address, our TLS trust and retry policy. The caller adds the token.</summary>
    /// <returns>A new client; the caller owns it.</returns>
    public HttpClient CreatePartnerCenterClient() =>
        new(new ResilienceHandler(this.Resilience, this.telemetry) { InnerHandler = this.CreateHandler() })
        {
            BaseAddress = new Uri(this.options.PartnerCenterBaseUrl.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = TimeSpan.FromSeconds(100),
        };

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (GraphServiceClient client in this.graphClients.Values.Concat(this.delegatedGraphClients.Values))
        {
            client.Dispose();
        }

        if (this.graphHttp.IsValueCreated)
        {
            this.graphHttp.Value.Dispose();
        }

        this.tokenHandler.Dispose();
        this.app.Dispose();
    }
}
