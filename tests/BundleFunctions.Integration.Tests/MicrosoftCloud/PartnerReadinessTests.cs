using System.Net.Http.Json;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Integration.Tests.Onboarding;
using BundleFunctions.Ports;
using BundleFunctions.Readiness;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.MicrosoftCloud;

/// <summary>The readiness report read from the simulated partner tenant by the production adapter: each check failing and passing.</summary>
public sealed class PartnerReadinessTests : IAsyncLifetime
{
    const string App = "b7a1c3e5-3333-4a6b-9c1d-000000000001";
    const string ServiceAccount = "a1b2c3d4-1111-4a6b-9c1d-000000000001";
    const string AdminAgents = "a1b2c3d4-2222-4a6b-9c1d-000000000001";
    const string GlobalAdministrator = "62e90394-69f5-4237-9190-012177145e10";
    static readonly Uri Receiver = new("http://127.0.0.1:7071/api/webhooks/partner-center");

    Simulator simulator = null!;
    HttpClient sim = null!;

    public async Task InitializeAsync()
    {
        this.simulator = await OnboardingStack.StartSimulatorAsync();
        this.sim = new HttpClient(MicrosoftCloudConnection.CreateHandler(this.simulator.Thumbprint)) { BaseAddress = this.simulator.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        this.sim.Dispose();
        await this.simulator.DisposeAsync();
    }

    MicrosoftCloudOptions Options(Action<MicrosoftCloudOptions>? change = null)
    {
        MicrosoftCloudOptions options = OnboardingStack.CloudOptions(this.simulator);
        options.ServiceAccountRefreshTokenSecretUri = new Uri(this.simulator.BaseAddress, "secrets/bundle-refresh-token");
        options.AdminConsentRedirectUri = OnboardingStack.SeededCallback;
        change?.Invoke(options);
        return options;
    }

    async Task<ReadinessReport> CheckAsync(MicrosoftCloudOptions? options = null)
    {
        using MicrosoftCloudConnection connection = new(options ?? this.Options());
        return await new PartnerReadiness(new MicrosoftPartnerFacts(connection, new DeploymentHealth(null, []), BundleFunctions.Bundle.BundleConfiguration.Default), Receiver, TimeSpan.Zero, TimeProvider.System).CheckAsync(default);
    }

    async Task<ReadinessCheck> CheckAsync(string name, MicrosoftCloudOptions? options = null) => (await this.CheckAsync(options)).Checks.Single(c => c.Name == name);

    Task SimAsync(HttpMethod method, string path, object? body = null) =>
        this.sim.SendAsync(new HttpRequestMessage(method, "_sim/" + path) { Content = body is null ? null : JsonContent.Create(body) }).ContinueWith(t => t.Result.EnsureSuccessStatusCode());

    async Task RegisterWebhookAsync()
    {
        using MicrosoftCloudConnection connection = new(this.Options());
        await new PartnerCenterWebhookRegistration(connection).RegisterAsync(Receiver, replace: false, default);
    }

    [Fact]
    public async Task The_shipped_partner_setup_with_its_webhook_registered_is_ready()
    {
        await this.RegisterWebhookAsync();

        ReadinessReport report = await this.CheckAsync();

        Assert.Equal("ready", report.Status);
        Assert.All(report.Checks, c => Assert.Equal(ReadinessState.Pass, c.State));
        Assert.Equal("The refresh token signs in as svc-bundle@contosomsp.onmicrosoft.com.", report.Checks.Single(c => c.Name == "serviceAccountSignIn").Seen);
        Assert.StartsWith("The app's client secret is valid until ", report.Checks.Single(c => c.Name == "appCredential").Seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unregistered_webhook_warns_without_blocking()
    {
        ReadinessReport report = await this.CheckAsync();

        ReadinessCheck webhook = report.Checks.Single(c => c.Name == "partnerCenterWebhook");
        Assert.Equal((ReadinessState.Warn, "attention"), (webhook.State, report.Status));
        Assert.Equal("No Partner Center webhook is registered: approvals arrive only by polling (minutes later).", webhook.Seen);
        Assert.Null(report.FirstBlocker);
    }

    [Fact]
    public async Task A_service_account_outside_admin_agents_blocks()
    {
        using (MicrosoftCloudConnection connection = new(this.Options()))
        {
            await connection.GraphFor(OnboardingStack.PartnerTenantId).Groups[AdminAgents].Members[ServiceAccount].Ref.DeleteAsync();
        }

        ReadinessCheck check = await this.CheckAsync("serviceAccountAdminAgent");

        Assert.True(check.Blocks);
        Assert.Equal("svc-bundle@contosomsp.onmicrosoft.com is not in AdminAgents: GDAP and Partner Center consent need an Admin Agent.", check.Seen);
    }

    [Fact]
    public async Task A_service_account_signed_in_without_mfa_blocks()
    {
        ReadinessCheck check = await this.CheckAsync("serviceAccountMfa", this.Options(o =>
        {
            o.ServiceAccountUserPrincipalName = "tech@contosomsp.onmicrosoft.com";
            o.ServiceAccountRefreshToken = "sim-refresh-token-tech";
        }));

        Assert.True(check.Blocks);
        Assert.Equal("tech@contosomsp.onmicrosoft.com's token carries no MFA claim: its sign-in did not use multi-factor authentication, and GDAP and Partner Center refuse such a user.", check.Seen);
    }

    [Fact]
    public async Task A_refresh_token_of_another_user_than_the_configured_service_account_blocks()
    {
        ReadinessCheck check = await this.CheckAsync("serviceAccountSignIn", this.Options(o => o.ServiceAccountRefreshToken = "sim-refresh-token-tech"));

        Assert.True(check.Blocks);
        Assert.Equal("The refresh token signs in as tech@contosomsp.onmicrosoft.com, not as the configured service account svc-bundle@contosomsp.onmicrosoft.com.", check.Seen);
    }

    [Fact]
    public async Task An_invalid_refresh_token_blocks_with_entras_words()
    {
        ReadinessCheck check = await this.CheckAsync("serviceAccountSignIn", this.Options(o => o.ServiceAccountRefreshToken = "not-a-refresh-token"));

        Assert.True(check.Blocks);
        Assert.Contains("AADSTS70000", check.Seen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Global_administrator_on_the_service_account_warns()
    {
        await this.SimAsync(HttpMethod.Post, $"partner/users/{ServiceAccount}/directory-roles/{GlobalAdministrator}");

        ReadinessCheck check = await this.CheckAsync("serviceAccountGlobalAdministrator");

        Assert.Equal((ReadinessState.Warn, false), (check.State, check.Blocks));
        Assert.Equal("svc-bundle@contosomsp.onmicrosoft.com still holds Global Administrator in the partner tenant.", check.Seen);
    }

    [Fact]
    public async Task A_missing_gdap_service_principal_blocks()
    {
        await this.SimAsync(HttpMethod.Delete, "partner/service-principals/2832473f-ec63-45fb-976f-5d45a7d4bb91");

        ReadinessCheck check = await this.CheckAsync("gdapServicePrincipal");

        Assert.True(check.Blocks);
        Assert.Equal("The partner tenant lacks the Partner Customer Delegated Administration service principal, so Graph refuses the app's GDAP calls.", check.Seen);
    }

    [Fact]
    public async Task A_client_secret_expiring_in_ten_days_warns_with_its_date()
    {
        await this.SimAsync(HttpMethod.Post, $"apps/{App}/secret-expiry", new { @in = "10.12:00:00" });

        ReadinessCheck check = await this.CheckAsync("appCredential");

        Assert.Equal(ReadinessState.Warn, check.State);
        Assert.Matches(@"^The app's client secret expires on \d{4}-\d{2}-\d{2}, in 10 day\(s\)\.$", check.Seen);
    }

    [Fact]
    public async Task An_expired_client_secret_blocks_with_the_new_secret_fix()
    {
        await this.SimAsync(HttpMethod.Post, $"apps/{App}/secret-expiry", new { @in = "-1.00:00:00" });

        ReadinessReport report = await this.CheckAsync();

        ReadinessCheck check = report.Checks.Single(c => c.Name == "appSignIn");
        Assert.True(check.Blocks);
        Assert.Contains("AADSTS7000222", check.Seen, StringComparison.Ordinal);
        Assert.StartsWith("Create a new client secret (or better, upload a certificate)", check.Fix, StringComparison.Ordinal);
        Assert.Equal("appSignIn", report.FirstBlocker!.Name);
    }

    [Fact]
    public async Task A_revoked_application_permission_blocks_naming_it()
    {
        await this.SimAsync(HttpMethod.Post, $"apps/{App}/revoke", new { permission = "Group.ReadWrite.All" });

        ReadinessCheck check = await this.CheckAsync("appPermissions");

        Assert.True(check.Blocks);
        Assert.Equal("The app lacks these Microsoft Graph application permissions (not configured, or not admin-consented): Group.ReadWrite.All.", check.Seen);
    }

    [Fact]
    public async Task A_revoked_partner_center_permission_blocks()
    {
        await this.SimAsync(HttpMethod.Post, $"apps/{App}/revoke", new { permission = "user_impersonation", resource = "https://api.partnercenter.microsoft.com" });

        ReadinessCheck check = await this.CheckAsync("partnerCenterPermission");

        Assert.True(check.Blocks);
    }

    [Fact]
    public async Task A_refresh_token_secret_the_app_may_not_read_blocks_with_the_role_to_grant()
    {
        await this.SimAsync(HttpMethod.Post, "vault/secrets/bundle-refresh-token/no-access");

        ReadinessReport report = await this.CheckAsync();

        ReadinessCheck vault = report.Checks.Single(c => c.Name == "refreshTokenVault");
        Assert.True(vault.Blocks);
        Assert.Equal("Key Vault secret secrets/bundle-refresh-token could not be read: 403 Forbidden.", vault.Seen);
        Assert.Equal("Key Vault refused to read the refresh token's secret (403 Forbidden).", report.Checks.Single(c => c.Name == "serviceAccountSignIn").Seen.Split(": ", 2)[1]);
    }

    [Fact]
    public async Task An_admin_consent_callback_the_app_registration_does_not_list_warns_until_it_is_added()
    {
        Uri callback = new("https://bundle.example/api/admin-consent/callback");
        MicrosoftCloudOptions options = this.Options(o => o.AdminConsentRedirectUri = callback);

        ReadinessCheck missing = await this.CheckAsync("adminConsentCallback", options);
        await this.SimAsync(HttpMethod.Post, $"apps/{App}/redirect-uris", new { uri = callback.AbsoluteUri });
        ReadinessCheck listed = await this.CheckAsync("adminConsentCallback", options);

        Assert.Equal((ReadinessState.Warn, false), (missing.State, missing.Blocks));
        Assert.StartsWith("The app registration does not list https://bundle.example/api/admin-consent/callback as a redirect URI", missing.Seen, StringComparison.Ordinal);
        Assert.Equal((ReadinessState.Pass, "Entra returns customers' admin consent to https://bundle.example/api/admin-consent/callback."), (listed.State, listed.Seen));
    }

    [Fact]
    public async Task A_webhook_registered_for_another_url_warns()
    {
        using (MicrosoftCloudConnection connection = new(this.Options()))
        {
            await new PartnerCenterWebhookRegistration(connection).RegisterAsync(new Uri("https://othertool.example/hook"), replace: false, default);
        }

        ReadinessCheck check = await this.CheckAsync("partnerCenterWebhook");

        Assert.Equal(ReadinessState.Warn, check.State);
        Assert.Equal("Partner Center delivers events to https://othertool.example/hook, not to this deployment: approvals arrive only by polling (minutes later).", check.Seen);
    }
}
