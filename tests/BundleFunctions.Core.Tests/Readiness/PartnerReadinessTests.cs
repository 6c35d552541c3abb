using BundleFunctions.Bundle;
using BundleFunctions.Core.Tests.Orchestrators;
using BundleFunctions.Readiness;

namespace BundleFunctions.Core.Tests.Readiness;

public sealed class PartnerReadinessTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    static readonly PartnerFacts Ready = InMemoryPartnerFacts.Ready with { App = InMemoryPartnerFacts.Ready.App! with { CredentialExpiresAt = Now.AddDays(300) } };

    static ReadinessCheck Check(PartnerFacts facts, string name) => PartnerReadiness.Assess(facts, Now).Checks.Single(c => c.Name == name);

    static PartnerFacts WithAccount(Func<ServiceAccountFacts, ServiceAccountFacts> change) => Ready with { ServiceAccount = change(Ready.ServiceAccount!) };

    [Fact]
    public void A_ready_setup_passes_every_check()
    {
        ReadinessReport report = PartnerReadiness.Assess(Ready, Now);

        Assert.Equal("ready", report.Status);
        Assert.All(report.Checks, c => Assert.Equal(ReadinessState.Pass, c.State));
        Assert.Equal(
            ["microsoftCloudConnection", "keyVaultReferences", "appSignIn", "appCredential", "appPermissions", "refreshTokenVault", "serviceAccountSignIn", "serviceAccountMfa",
             "serviceAccountAdminAgent", "serviceAccountGlobalAdministrator", "partnerCenterPermission", "gdapServicePrincipal", "bundleConfiguration", "partnerCenterWebhook",
             "adminConsentCallback"],
            report.Checks.Select(c => c.Name));
    }

    [Fact]
    public void An_admin_consent_callback_missing_from_the_app_registration_warns_naming_where_to_add_it()
    {
        ReadinessCheck check = Check(Ready with { App = Ready.App! with { RedirectUris = ["https://elsewhere.example/callback"] } }, "adminConsentCallback");

        Assert.Equal((ReadinessState.Warn, false), (check.State, check.Blocks));
        Assert.Equal("The app registration does not list https://bundle.example/api/admin-consent/callback as a redirect URI: an enterprise-app onboarding's admin-consent link ends at Entra's AADSTS50011 page.", check.Seen);
        Assert.Equal("In the Entra admin center → App registrations → the app → Authentication, add https://bundle.example/api/admin-consent/callback as a Web redirect URI.", check.Fix);
    }

    [Fact]
    public void A_service_account_outside_admin_agents_blocks_with_the_partner_center_fix()
    {
        ReadinessCheck check = Check(WithAccount(a => a with { InAdminAgents = false }), "serviceAccountAdminAgent");

        Assert.True(check.Blocks);
        Assert.Equal("svc@contoso.example is not in AdminAgents: GDAP and Partner Center consent need an Admin Agent.", check.Seen);
        Assert.Equal("Give svc@contoso.example the Admin agent role in Partner Center (Account settings → User management), then start again.", check.Fix);
    }

    [Fact]
    public void A_sign_in_without_mfa_blocks()
    {
        ReadinessCheck check = Check(WithAccount(a => a with { UsedMfa = false }), "serviceAccountMfa");

        Assert.True(check.Blocks);
        Assert.StartsWith("Register MFA (Microsoft Authenticator) for svc@contoso.example", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void Global_administrator_on_the_service_account_warns_without_blocking()
    {
        ReadinessReport report = PartnerReadiness.Assess(WithAccount(a => a with { HoldsGlobalAdministrator = true }), Now);

        ReadinessCheck check = report.Checks.Single(c => c.Name == "serviceAccountGlobalAdministrator");
        Assert.Equal((ReadinessState.Warn, false), (check.State, check.Blocks));
        Assert.Equal("attention", report.Status);
        Assert.Null(report.FirstBlocker);
    }

    [Fact]
    public void A_refresh_token_of_another_user_blocks()
    {
        ReadinessCheck check = Check(WithAccount(a => a with { SignedInAs = "tech@contoso.example" }), "serviceAccountSignIn");

        Assert.True(check.Blocks);
        Assert.Equal("The refresh token signs in as tech@contoso.example, not as the configured service account svc@contoso.example.", check.Seen);
    }

    [Fact]
    public void A_refused_refresh_token_blocks_and_leaves_the_account_checks_unchecked()
    {
        ReadinessReport report = PartnerReadiness.Assess(WithAccount(a => a with { SignInProblem = "AADSTS70000: The provided value for the 'refresh_token' is not valid or has expired." }), Now);

        Assert.Equal("serviceAccountSignIn", report.FirstBlocker!.Name);
        Assert.All(report.Checks.Where(c => c.Name is "serviceAccountMfa" or "serviceAccountAdminAgent" or "partnerCenterPermission"), c => Assert.Equal(ReadinessState.NotChecked, c.State));
    }

    [Fact]
    public void Missing_application_permissions_are_named_with_the_consent_fix()
    {
        ReadinessCheck check = Check(Ready with { App = Ready.App! with { ApplicationPermissions = ["DelegatedAdminRelationship.ReadWrite.All", "User.Read.All", "Directory.Read.All"] } }, "appPermissions");

        Assert.True(check.Blocks);
        Assert.Equal("The app lacks these Microsoft Graph application permissions (not configured, or not admin-consented): Group.ReadWrite.All, GroupMember.ReadWrite.All.", check.Seen);
        Assert.Equal("In the app registration's API permissions add Group.ReadWrite.All, GroupMember.ReadWrite.All (Microsoft Graph, Application permissions), then select Grant admin consent for the partner tenant.", check.Fix);
    }

    [Fact]
    public void A_missing_partner_center_permission_blocks()
    {
        Assert.True(Check(WithAccount(a => a with { PartnerCenterScopes = [] }), "partnerCenterPermission").Blocks);
    }

    [Fact]
    public void A_missing_gdap_service_principal_blocks_with_the_command_that_creates_it()
    {
        ReadinessCheck check = Check(Ready with { GdapServicePrincipalPresent = false }, "gdapServicePrincipal");

        Assert.True(check.Blocks);
        Assert.Equal("As a Global Administrator of the partner tenant run New-MgServicePrincipal -AppId 2832473f-ec63-45fb-976f-5d45a7d4bb91 (or POST /v1.0/servicePrincipals with that appId).", check.Fix);
    }

    [Fact]
    public void A_credential_expiring_within_30_days_warns_with_the_date()
    {
        ReadinessCheck check = Check(Ready with { App = Ready.App! with { CredentialExpiresAt = Now.AddDays(12) } }, "appCredential");

        Assert.Equal((ReadinessState.Warn, false), (check.State, check.Blocks));
        Assert.Equal("The app's client secret expires on 2026-12-15, in 12 day(s).", check.Seen);
    }

    [Fact]
    public void An_expired_credential_blocks()
    {
        Assert.True(Check(Ready with { App = Ready.App! with { CredentialExpiresAt = Now.AddDays(-1) } }, "appCredential").Blocks);
    }

    [Fact]
    public void An_expired_secret_refused_at_sign_in_names_the_new_secret_fix()
    {
        ReadinessCheck check = Check(Ready with { App = Ready.App! with { SignInProblem = "AADSTS7000222: The provided client secret keys for app 'x' are expired." } }, "appSignIn");

        Assert.True(check.Blocks);
        Assert.StartsWith("Create a new client secret (or better, upload a certificate)", check.Fix, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreadable_refresh_token_secret_blocks_with_the_role_to_grant()
    {
        ReadinessCheck check = Check(Ready with { RefreshTokenVault = Ready.RefreshTokenVault! with { Problem = "403 ForbiddenByRbac" } }, "refreshTokenVault");

        Assert.True(check.Blocks);
        Assert.Equal("Give the app's identity Key Vault Secrets Officer on that secret (it reads the token and stores each rotation).", check.Fix);
    }

    [Fact]
    public void Unresolved_key_vault_references_block_by_setting_name()
    {
        ReadinessCheck check = Check(Ready with { UnresolvedSettings = ["MicrosoftCloud__ClientSecret"] }, "keyVaultReferences");

        Assert.True(check.Blocks);
        Assert.Equal("These app settings did not resolve from Key Vault: MicrosoftCloud__ClientSecret.", check.Seen);
    }

    [Fact]
    public void A_webhook_registered_elsewhere_warns_with_the_registration_call()
    {
        ReadinessCheck check = Check(Ready with { Webhook = Ready.Webhook! with { Registered = new Uri("https://othertool.example/hook") } }, "partnerCenterWebhook");

        Assert.Equal((ReadinessState.Warn, false), (check.State, check.Blocks));
        Assert.Equal("Partner Center delivers events to https://othertool.example/hook, not to this deployment: approvals arrive only by polling (minutes later).", check.Seen);
    }

    [Fact]
    public void Without_a_connection_everything_else_is_not_checked()
    {
        ReadinessReport report = PartnerReadiness.Assess(new PartnerFacts { ConnectionProblem = "MicrosoftCloud__PartnerTenantId is not set." }, Now);

        Assert.Equal("microsoftCloudConnection", report.FirstBlocker!.Name);
        Assert.Equal("MicrosoftCloud__PartnerTenantId is not set.", report.FirstBlocker.Fix);
        Assert.All(report.Checks.Skip(2), c => Assert.Equal(ReadinessState.NotChecked, c.State));
    }

    [Fact]
    public async Task A_passing_report_lets_onboardings_through_for_the_kept_time_without_asking_again()
    {
        InMemoryPartnerFacts facts = new();
        ManualClock time = new(Now);
        PartnerReadiness readiness = new(facts, null, TimeSpan.FromMinutes(10), time);

        Assert.Null(await readiness.BlockerAsync(default));
        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Null(await readiness.BlockerAsync(default));
        Assert.Equal(1, facts.Gathered);

        time.Advance(TimeSpan.FromMinutes(2));
        Assert.Null(await readiness.BlockerAsync(default));
        Assert.Equal(2, facts.Gathered);
    }

    [Fact]
    public async Task A_failing_report_is_never_reused_so_the_fix_counts_at_once()
    {
        InMemoryPartnerFacts facts = new() { Facts = WithAccount(a => a with { InAdminAgents = false }) };
        PartnerReadiness readiness = new(facts, null, TimeSpan.FromMinutes(10), new ManualClock(Now));

        Assert.Equal("serviceAccountAdminAgent", (await readiness.BlockerAsync(default))?.Name);
        facts.Facts = Ready;

        Assert.Null(await readiness.BlockerAsync(default));
    }

    [Fact]
    public void The_configuration_check_names_each_grant_the_customers_get()
    {
        BundleConfiguration withExchange = BundleConfiguration.From("exchangeOnline", null, null).Configuration!;

        ReadinessCheck check = PartnerReadiness.Assess(Ready, Now, withExchange).Checks.Single(c => c.Name == "bundleConfiguration");

        Assert.Equal(ReadinessState.Pass, check.State);
        Assert.Equal("Each customer is consented: Microsoft Graph (Directory.Read.All, DelegatedPermissionGrant.ReadWrite.All, Application.ReadWrite.All, Policy.Read.All); Office 365 Exchange Online (Exchange.Manage).", check.Seen);
    }

    [Fact]
    public void An_unknown_permission_name_blocks_before_anything_is_consented()
    {
        BundleConfiguration typo = BundleConfiguration.From(null, null, "User.Read,Mail.Sendd").Configuration!;

        ReadinessCheck check = PartnerReadiness.Assess(Ready, Now, typo).Checks.Single(c => c.Name == "bundleConfiguration");

        Assert.True(check.Blocks);
        Assert.Equal("Not a published delegated permission of its API: Mail.Sendd (Microsoft Graph). Nothing is consented until this is corrected.", check.Seen);
    }
}

/// <summary>A clock a test moves by hand.</summary>
sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => this.now;

    public void Advance(TimeSpan by) => this.now += by;
}
