using BundleFunctions.Bundle;
using BundleFunctions.Ports;

namespace BundleFunctions.Readiness;

/// <summary>
/// Judges the partner's setup (step 1 of the bundle) from what <see cref="IPartnerFacts"/> saw: each check passes, warns or
/// fails with what was seen and the fix. Blocking checks gate every onboarding; the rest are what an engineer should fix
/// before it bites (a credential expiring, events that only arrive by polling).
/// </summary>
public sealed class PartnerReadiness : IPartnerReadiness
{
    /// <summary>Graph application permissions the app needs in the partner tenant: GDAP relationships, the role groups and their members, finding the service account, reading the directory (its roles, service principals, app registration).</summary>
    public static readonly IReadOnlyList<string> PartnerApplicationPermissions =
        ["DelegatedAdminRelationship.ReadWrite.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "User.Read.All", "Directory.Read.All"];

    /// <summary>The delegated Partner Center permission the service account's calls (consent, customers, webhooks) need.</summary>
    public const string PartnerCenterPermission = "user_impersonation";

    /// <summary>The first-party app behind app-only GDAP calls.</summary>
    public const string GdapServicePrincipalAppId = "2832473f-ec63-45fb-976f-5d45a7d4bb91";

    /// <summary>How long before a credential's expiry the report warns.</summary>
    public static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(30);

    readonly IPartnerFacts facts;
    readonly BundleConfiguration configuration;
    readonly Uri? expectedWebhookUrl;
    readonly TimeSpan passKeptFor;
    readonly TimeProvider time;
    ReadinessReport? lastPass;

    /// <summary>Initializes a new instance of the <see cref="PartnerReadiness"/> class.</summary>
    /// <param name="facts">Reads the setup.</param>
    /// <param name="expectedWebhookUrl">This deployment's webhook receiver, when known.</param>
    /// <param name="passKeptFor">How long a report without blockers lets onboardings through without asking again.</param>
    /// <param name="time">The clock.</param>
    /// <param name="configuration">The bundle's configuration; the default when null.</param>
    public PartnerReadiness(IPartnerFacts facts, Uri? expectedWebhookUrl, TimeSpan passKeptFor, TimeProvider time, BundleConfiguration? configuration = null)
    {
        this.facts = facts;
        this.configuration = configuration ?? BundleConfiguration.Default;
        this.expectedWebhookUrl = expectedWebhookUrl;
        this.passKeptFor = passKeptFor;
        this.time = time;
    }

    /// <inheritdoc />
    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        ReadinessReport report = Assess(await this.facts.GatherAsync(this.expectedWebhookUrl, cancellationToken), this.time.GetUtcNow(), this.configuration);
        this.lastPass = report.FirstBlocker is null ? report : null;
        return report;
    }

    /// <inheritdoc />
    public async Task<ReadinessCheck?> BlockerAsync(CancellationToken cancellationToken)
    {
        if (this.lastPass is { } pass && this.time.GetUtcNow() - pass.CheckedAt < this.passKeptFor)
        {
            return null;
        }

        return (await this.CheckAsync(cancellationToken)).FirstBlocker;
    }

    /// <summary>The report for what was seen.</summary>
    /// <param name="seen">The facts.</param>
    /// <param name="now">When they were gathered.</param>
    /// <param name="configuration">The bundle's configuration; the default when null.</param>
    /// <returns>The report, checks in the order an engineer fixes them.</returns>
    public static ReadinessReport Assess(PartnerFacts seen, DateTimeOffset now, BundleConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(seen);
        List<ReadinessCheck> checks = [];
        if (seen.ConnectionProblem is { } connection)
        {
            checks.Add(new("microsoftCloudConnection", ReadinessState.Fail, true, "The deployment has no usable Microsoft cloud connection.", connection));
        }
        else
        {
            checks.Add(new("microsoftCloudConnection", ReadinessState.Pass, true, "The Microsoft cloud connection is configured."));
        }

        checks.Add(seen.UnresolvedSettings.Count == 0
            ? new("keyVaultReferences", ReadinessState.Pass, true, "Every Key Vault reference in the app settings resolved.")
            : new("keyVaultReferences", ReadinessState.Fail, true, $"These app settings did not resolve from Key Vault: {string.Join(", ", seen.UnresolvedSettings)}.",
                "Give the app's managed identity Key Vault Secrets User on the vault, check each reference names an existing secret, then restart the app."));
        checks.AddRange(App(seen.App, now));
        checks.Add(RefreshTokenVault(seen.RefreshTokenVault, seen.ConnectionProblem is null));
        checks.AddRange(ServiceAccount(seen.ServiceAccount));
        checks.Add(GdapServicePrincipal(seen));
        checks.Add(Configuration(seen, configuration ?? BundleConfiguration.Default));
        checks.Add(Webhook(seen.Webhook));
        checks.Add(AdminConsentCallback(seen));
        return new ReadinessReport(now, checks);
    }

    /// <summary>The enterprise-app path's callback: Entra redirects an admin consent only to a URI the app registration lists.</summary>
    static ReadinessCheck AdminConsentCallback(PartnerFacts seen)
    {
        const string Name = "adminConsentCallback";
        if (seen.ConnectionProblem is not null || seen.App is null || seen.App.SignInProblem is not null)
        {
            return NotChecked(Name, false, "the app could not sign in.");
        }

        if (seen.AdminConsentCallback is not { } callback)
        {
            return new(Name, ReadinessState.Warn, false, "This deployment does not know its admin-consent callback, so enterprise-app onboardings cannot publish a link.",
                "Set MicrosoftCloud__AdminConsentRedirectUri to https://<this app>/api/admin-consent/callback (in Azure WEBSITE_HOSTNAME provides it), then restart.");
        }

        return seen.App.RedirectUris switch
        {
            null => new(Name, ReadinessState.Warn, false, "The app registration's redirect URIs could not be read.", "Give the app Application.Read.All or Directory.Read.All (application), then check again."),
            var listed when listed.Contains(callback.AbsoluteUri, StringComparer.Ordinal) => new(Name, ReadinessState.Pass, false, $"Entra returns customers' admin consent to {callback.AbsoluteUri}."),
            _ => new(Name, ReadinessState.Warn, false,
                $"The app registration does not list {callback.AbsoluteUri} as a redirect URI: an enterprise-app onboarding's admin-consent link ends at Entra's AADSTS50011 page.",
                $"In the Entra admin center → App registrations → the app → Authentication, add {callback.AbsoluteUri} as a Web redirect URI."),
        };
    }

    static ReadinessCheck NotChecked(string name, bool blocking, string because) => new(name, ReadinessState.NotChecked, blocking, $"Not checked: {because}");

    static ReadinessCheck RefreshTokenVault(VaultFacts? vault, bool connected) => vault switch
    {
        null when !connected => NotChecked("refreshTokenVault", true, "no Microsoft cloud connection."),
        null => new("refreshTokenVault", ReadinessState.Warn, true, "No Key Vault secret keeps the service account's refresh token: its rotations live in memory only.",
            "Set MicrosoftCloud__ServiceAccountRefreshTokenSecretUri to a Key Vault secret the app's identity may read and write, or the token stops working 90 days after it was stored."),
        { Problem: null } => new("refreshTokenVault", ReadinessState.Pass, true, $"Key Vault secret {vault.Secret.AbsolutePath.TrimStart('/')} is readable."),
        _ => new("refreshTokenVault", ReadinessState.Fail, true, $"Key Vault secret {vault.Secret.AbsolutePath.TrimStart('/')} could not be read: {vault.Problem}",
            "Give the app's identity Key Vault Secrets Officer on that secret (it reads the token and stores each rotation)."),
    };

    static IEnumerable<ReadinessCheck> App(AppFacts? app, DateTimeOffset now)
    {
        if (app is null)
        {
            yield return NotChecked("appSignIn", true, "no Microsoft cloud connection.");
            yield return NotChecked("appCredential", true, "no Microsoft cloud connection.");
            yield return NotChecked("appPermissions", true, "no Microsoft cloud connection.");
            yield break;
        }

        yield return app.SignInProblem is { } refused
            ? new("appSignIn", ReadinessState.Fail, true, $"The app {app.ClientId} could not sign in to the partner tenant: {refused}", SignInFix(refused))
            : new("appSignIn", ReadinessState.Pass, true, $"The app {app.ClientId} signs in to the partner tenant with its {app.CredentialKind}.");
        yield return Credential(app, now);
        if (app.SignInProblem is not null)
        {
            yield return NotChecked("appPermissions", true, "the app could not sign in.");
            yield break;
        }

        string[] missing = [.. PartnerApplicationPermissions.Where(p => !app.ApplicationPermissions.Contains(p, StringComparer.OrdinalIgnoreCase))];
        yield return missing.Length == 0
            ? new("appPermissions", ReadinessState.Pass, true, $"The app holds every application permission the bundle needs: {string.Join(", ", PartnerApplicationPermissions)}.")
            : new("appPermissions", ReadinessState.Fail, true, $"The app lacks these Microsoft Graph application permissions (not configured, or not admin-consented): {string.Join(", ", missing)}.",
                $"In the app registration's API permissions add {string.Join(", ", missing)} (Microsoft Graph, Application permissions), then select Grant admin consent for the partner tenant.");
    }

    static string SignInFix(string refused) =>
        refused.Contains("AADSTS7000222", StringComparison.Ordinal)
            ? "Create a new client secret (or better, upload a certificate) in the app registration's Certificates & secrets, store it in Key Vault where MicrosoftCloud__ClientSecret (or __ClientCertificate) points, then restart."
            : refused.Contains("AADSTS7000215", StringComparison.Ordinal)
                ? "The stored secret is not one of the app's: copy the secret's Value (not its ID) from the app registration into Key Vault, then restart."
                : "Check MicrosoftCloud__ClientId and MicrosoftCloud__PartnerTenantId against the app registration, and that its credential in Key Vault is current.";

    static ReadinessCheck Credential(AppFacts app, DateTimeOffset now)
    {
        if (app.CredentialExpiresAt is not { } expires)
        {
            return new("appCredential", ReadinessState.Warn, true, $"The {app.CredentialKind}'s expiry is not known: {app.CredentialProblem ?? "the app registration does not list it."}",
                "Look up the credential's expiry in the app registration (Certificates & secrets) and plan its renewal.");
        }

        string when = expires.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        int days = (int)Math.Floor((expires - now).TotalDays);
        return expires <= now
            ? new("appCredential", ReadinessState.Fail, true, $"The app's {app.CredentialKind} expired on {when}.",
                "Create a new credential in the app registration (a certificate is preferred), store it in Key Vault, then restart.")
            : expires - now <= ExpiryWarning
                ? new("appCredential", ReadinessState.Warn, true, $"The app's {app.CredentialKind} expires on {when}, in {days} day(s).",
                    "Create the next credential in the app registration now, store it in Key Vault and restart, before the old one expires and every call stops.")
                : new("appCredential", ReadinessState.Pass, true, $"The app's {app.CredentialKind} is valid until {when}.");
    }

    static IEnumerable<ReadinessCheck> ServiceAccount(ServiceAccountFacts? account)
    {
        string[] names = ["serviceAccountSignIn", "serviceAccountMfa", "serviceAccountAdminAgent", "serviceAccountGlobalAdministrator", "partnerCenterPermission"];
        if (account is null)
        {
            foreach (string name in names)
            {
                yield return NotChecked(name, name != "serviceAccountGlobalAdministrator", "no Microsoft cloud connection.");
            }

            yield break;
        }

        if (account.SignInProblem is { } refused)
        {
            yield return new("serviceAccountSignIn", ReadinessState.Fail, true, $"The service account's refresh token could not be redeemed: {refused}",
                "Sign the service account in again through the app (the bundle's consent sign-in, with MFA) and store the new refresh token where MicrosoftCloud__ServiceAccountRefreshToken or its Key Vault secret points.");
            foreach (string name in names.Skip(1))
            {
                yield return NotChecked(name, name != "serviceAccountGlobalAdministrator", "the service account could not sign in.");
            }

            yield break;
        }

        string who = account.SignedInAs ?? "the service account";
        yield return account.ConfiguredName is { } configured && !string.Equals(configured, account.SignedInAs, StringComparison.OrdinalIgnoreCase)
            ? new("serviceAccountSignIn", ReadinessState.Fail, true, $"The refresh token signs in as {who}, not as the configured service account {configured}.",
                "Store the refresh token of the configured service account, or set MicrosoftCloud__ServiceAccountUserPrincipalName to the account the token belongs to.")
            : new("serviceAccountSignIn", ReadinessState.Pass, true, $"The refresh token signs in as {who}.");
        yield return account.UsedMfa
            ? new("serviceAccountMfa", ReadinessState.Pass, true, $"{who} signed in with multi-factor authentication.")
            : new("serviceAccountMfa", ReadinessState.Fail, true, $"{who}'s token carries no MFA claim: its sign-in did not use multi-factor authentication, and GDAP and Partner Center refuse such a user.",
                $"Register MFA (Microsoft Authenticator) for {who}, enforce it, then sign it in again and store the new refresh token.");
        yield return account.InAdminAgents switch
        {
            true => new("serviceAccountAdminAgent", ReadinessState.Pass, true, $"{who} is in AdminAgents."),
            false => new("serviceAccountAdminAgent", ReadinessState.Fail, true, $"{who} is not in AdminAgents: GDAP and Partner Center consent need an Admin Agent.",
                $"Give {who} the Admin agent role in Partner Center (Account settings → User management), then start again."),
            null => new("serviceAccountAdminAgent", ReadinessState.Fail, true, $"{who}'s groups could not be read: {account.DirectoryProblem}",
                "Grant the app Directory.Read.All (Application) with admin consent in the partner tenant, then check again."),
        };
        yield return account.HoldsGlobalAdministrator switch
        {
            false => new("serviceAccountGlobalAdministrator", ReadinessState.Pass, false, $"{who} does not hold Global Administrator in the partner tenant."),
            true => new("serviceAccountGlobalAdministrator", ReadinessState.Warn, false, $"{who} still holds Global Administrator in the partner tenant.",
                $"Remove Global Administrator from {who} in the partner tenant once the role groups exist: the bundle needs the Admin agent role and its GDAP groups only."),
            null => new("serviceAccountGlobalAdministrator", ReadinessState.Warn, false, $"{who}'s directory roles could not be read: {account.DirectoryProblem}",
                "Grant the app Directory.Read.All (Application) with admin consent in the partner tenant, then check again."),
        };
        yield return account.PartnerCenterScopes.Contains(PartnerCenterPermission, StringComparer.OrdinalIgnoreCase)
            ? new("partnerCenterPermission", ReadinessState.Pass, true, $"{who}'s Partner Center token carries {PartnerCenterPermission}.")
            : new("partnerCenterPermission", ReadinessState.Fail, true, $"{who} could not get a Partner Center token with {PartnerCenterPermission}: the app's delegated Partner Center permission is missing or not consented.",
                "In the app registration's API permissions add Microsoft Partner Center → user_impersonation (Delegated), grant admin consent, then sign the service account in again.");
    }

    static ReadinessCheck GdapServicePrincipal(PartnerFacts seen) => seen.GdapServicePrincipalPresent switch
    {
        true => new("gdapServicePrincipal", ReadinessState.Pass, true, "The partner tenant holds the Partner Customer Delegated Administration service principal."),
        false => new("gdapServicePrincipal", ReadinessState.Fail, true, "The partner tenant lacks the Partner Customer Delegated Administration service principal, so Graph refuses the app's GDAP calls.",
            $"As a Global Administrator of the partner tenant run New-MgServicePrincipal -AppId {GdapServicePrincipalAppId} (or POST /v1.0/servicePrincipals with that appId)."),
        null => NotChecked("gdapServicePrincipal", true, seen.GdapServicePrincipalProblem ?? "no Microsoft cloud connection."),
    };

    /// <summary>The consent grants the configuration makes, each permission name checked against what its resource publishes.</summary>
    static ReadinessCheck Configuration(PartnerFacts seen, BundleConfiguration configuration)
    {
        string grants = string.Join("; ", configuration.ConsentGrants.Select(g => $"{g.Integration.DisplayName} ({string.Join(", ", g.Scopes)})"));
        if (seen.PublishedScopes is not { } published)
        {
            return NotChecked("bundleConfiguration", true, seen.PublishedScopesProblem ?? "no Microsoft cloud connection.");
        }

        string[] unknown = [.. configuration.ConsentGrants.SelectMany(g => g.Scopes
            .Where(s => !(published.GetValueOrDefault(g.Integration.ResourceAppId) ?? []).Contains(s, StringComparer.OrdinalIgnoreCase))
            .Select(s => $"{s} ({g.Integration.DisplayName})"))];
        return unknown.Length == 0
            ? new("bundleConfiguration", ReadinessState.Pass, true, $"Each customer is consented: {grants}.")
            : new("bundleConfiguration", ReadinessState.Fail, true, $"Not a published delegated permission of its API: {string.Join(", ", unknown)}. Nothing is consented until this is corrected.",
                "Correct Bundle__GraphPermissions (or Bundle__GraphPreset, Bundle__Integrations) to names the API publishes (learn.microsoft.com/graph/permissions-reference for Microsoft Graph), then restart.");
    }

    static ReadinessCheck Webhook(WebhookFacts? webhook)
    {
        const string Register = "Register it: POST /api/webhooks/partner-center/registration (with \"replace\": true to take the registration over from another tool).";
        if (webhook is null)
        {
            return NotChecked("partnerCenterWebhook", false, "no Microsoft cloud connection.");
        }

        if (webhook.Problem is { } problem)
        {
            return new("partnerCenterWebhook", ReadinessState.Warn, false, $"Partner Center's webhook registration could not be read: {problem}", "Check the service account's Partner Center access (see partnerCenterPermission), then check again.");
        }

        if (webhook.Expected is not { } expected)
        {
            return new("partnerCenterWebhook", ReadinessState.Warn, false, "This deployment does not know its public webhook URL, so approvals arrive only by polling.",
                "Set Api__PublicWebhookUrl (in Azure WEBSITE_HOSTNAME provides it), restart, then register the webhook.");
        }

        if (webhook.Registered != expected)
        {
            return new("partnerCenterWebhook", ReadinessState.Warn, false,
                webhook.Registered is null
                    ? "No Partner Center webhook is registered: approvals arrive only by polling (minutes later)."
                    : $"Partner Center delivers events to {webhook.Registered}, not to this deployment: approvals arrive only by polling (minutes later).",
                Register);
        }

        string[] missing = [.. IWebhookRegistration.Events.Where(e => !webhook.Events.Contains(e, StringComparer.OrdinalIgnoreCase))];
        return missing.Length == 0
            ? new("partnerCenterWebhook", ReadinessState.Pass, false, $"Partner Center delivers the GDAP events to {expected}.")
            : new("partnerCenterWebhook", ReadinessState.Warn, false, $"The registration lacks these events: {string.Join(", ", missing)}.", Register);
    }
}
