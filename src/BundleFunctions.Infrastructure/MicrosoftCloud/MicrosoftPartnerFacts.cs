using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Identity;
using BundleFunctions.Bundle;
using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using BundleFunctions.Readiness;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// Reads the partner-side setup from Microsoft: the app's own token (its admin-consented application permissions are its
/// <c>roles</c>), its credential's end date from its registration, the service account's tokens (who it is, whether its
/// sign-in used MFA: <c>amr</c>, as CIPP's permission check reads it; its Partner Center scopes), its AdminAgents
/// membership and directory roles, the GDAP service principal, the refresh token's vault secret and Partner Center's
/// webhook registration. Every definite refusal (an AADSTS error, a 4xx) becomes part of the answer; a transient failure
/// (throttling, 5xx, a lost connection — after the usual retries) is thrown, so a gate never stops an onboarding for
/// Microsoft's hiccup: the activity is retried like any other call.
/// </summary>
/// <param name="connection">The Microsoft cloud connection.</param>
/// <param name="health">What the deployment's settings lack.</param>
/// <param name="configuration">The bundle's configuration: whose published permissions to read.</param>
public sealed class MicrosoftPartnerFacts(MicrosoftCloudConnection connection, DeploymentHealth health, BundleConfiguration configuration) : IPartnerFacts
{
    MicrosoftCloudOptions Options => connection.Options;

    GraphServiceClient Graph => connection.GraphFor(this.Options.PartnerTenantId);

    /// <inheritdoc />
    public async Task<PartnerFacts> GatherAsync(Uri? expectedWebhookUrl, CancellationToken cancellationToken)
    {
        AppFacts app = await this.AppAsync(cancellationToken);
        (ServiceAccountFacts account, string? partnerCenterToken) = await this.ServiceAccountAsync(app.SignInProblem is null, cancellationToken);
        (bool? gdap, string? gdapProblem) = app.SignInProblem is null ? await this.GdapServicePrincipalAsync(cancellationToken) : (null, "the app could not sign in.");
        (IReadOnlyDictionary<Guid, IReadOnlyList<string>>? published, string? publishedProblem) = app.SignInProblem is null ? await this.PublishedScopesAsync(cancellationToken) : (null, "the app could not sign in.");
        return new PartnerFacts
        {
            UnresolvedSettings = health.UnresolvedSettings,
            App = app,
            ServiceAccount = account,
            GdapServicePrincipalPresent = gdap,
            GdapServicePrincipalProblem = gdapProblem,
            PublishedScopes = published,
            PublishedScopesProblem = publishedProblem,
            RefreshTokenVault = await this.VaultAsync(cancellationToken),
            AdminConsentCallback = this.Options.AdminConsentRedirectUri,
            Webhook = partnerCenterToken is null
                ? new WebhookFacts(expectedWebhookUrl, null, [], "the service account has no Partner Center token.")
                : await this.WebhookAsync(expectedWebhookUrl, partnerCenterToken, cancellationToken),
        };
    }

    async Task<AppFacts> AppAsync(CancellationToken cancellationToken)
    {
        AppCredential credential = connection.App;
        string kind = credential.UsesCertificate ? "certificate" : "client secret";
        try
        {
            AccessToken token = await connection.CredentialFor(this.Options.PartnerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), cancellationToken);
            string[] roles = [.. EntraAnswers.Claims(token.Token)["roles"]?.AsArray().Select(r => r!.GetValue<string>()) ?? []];
            (Application? registration, string? unread) = await this.RegistrationAsync(cancellationToken);
            (DateTimeOffset? expires, string? problem) = credential.CertificateExpiresOn is { } certificateEnd ? ((DateTimeOffset?)certificateEnd, (string?)null)
                : registration is null ? (null, unread)
                : registration.PasswordCredentials?.Where(c => c.Hint == credential.SecretHint).Min(c => c.EndDateTime) is { } end ? (end, null)
                : (null, "the app registration lists no secret starting with these characters.");
            return new AppFacts(this.Options.ClientId, null, roles, kind, expires, problem, registration?.Web?.RedirectUris);
        }
        catch (AuthenticationFailedException refused) when (IsRefusal(refused))
        {
            return new AppFacts(this.Options.ClientId, Refusal(refused), [], kind, credential.CertificateExpiresOn, "the app could not sign in.");
        }
    }

    /// <summary>The app's own registration: its secrets' end dates (matched by hint) and its redirect URIs.</summary>
    async Task<(Application? Registration, string? Problem)> RegistrationAsync(CancellationToken cancellationToken)
    {
        try
        {
            ApplicationCollectionResponse? found = await this.Graph.Applications.GetAsync(
                r =>
                {
                    r.QueryParameters.Filter = $"appId eq '{this.Options.ClientId}'";
                    r.QueryParameters.Select = ["appId", "passwordCredentials", "web"];
                },
                cancellationToken);
            return found?.Value?.FirstOrDefault() is { } registration ? (registration, null) : (null, "the app registration was not found.");
        }
        catch (ODataError error) when (IsRefusal(error))
        {
            return (null, $"the app registration could not be read ({error.ResponseStatusCode} {error.Error?.Code}).");
        }
    }

    async Task<(ServiceAccountFacts Facts, string? PartnerCenterToken)> ServiceAccountAsync(bool appSignsIn, CancellationToken cancellationToken)
    {
        string? configured = this.Options.ServiceAccountUserPrincipalName;
        JsonObject claims;
        try
        {
            claims = EntraAnswers.Claims((await connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), cancellationToken)).Token);
        }
        catch (Exception refused) when (IsRefusal(refused))
        {
            return (new ServiceAccountFacts(configured, Refusal(refused), null, false, [], null, null, null), null);
        }

        string? upn = claims["upn"]?.GetValue<string>();
        bool mfa = claims["amr"]?.AsArray().Any(m => m?.GetValue<string>() == "mfa") == true;
        string[] partnerCenterScopes = [];
        string? partnerCenterToken = null;
        try
        {
            partnerCenterToken = (await connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), cancellationToken)).Token;
            partnerCenterScopes = (EntraAnswers.Claims(partnerCenterToken)["scp"]?.GetValue<string>() ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (Exception refused) when (IsRefusal(refused))
        {
            // Reported as the missing Partner Center permission.
        }

        if (!appSignsIn || claims["oid"]?.GetValue<string>() is not { } userId)
        {
            return (new ServiceAccountFacts(configured, null, upn, mfa, partnerCenterScopes, null, null, "the app could not sign in to read the directory."), partnerCenterToken);
        }

        try
        {
            bool adminAgent = (await GraphPartnerDirectory.GroupsOfAsync(this.Graph, userId, cancellationToken)).ContainsValue(GraphPartnerDirectory.AdminAgentsGroup);
            UnifiedRoleAssignmentCollectionResponse? roles = await this.Graph.RoleManagement.Directory.RoleAssignments.GetAsync(r => r.QueryParameters.Filter = $"principalId eq '{userId}'", cancellationToken);
            bool globalAdministrator = roles?.Value?.Any(a => Guid.TryParse(a.RoleDefinitionId, out Guid role) && role == RoleCatalog.GlobalAdministrator.TemplateId) == true;
            return (new ServiceAccountFacts(configured, null, upn, mfa, partnerCenterScopes, adminAgent, globalAdministrator, null), partnerCenterToken);
        }
        catch (ODataError error) when (IsRefusal(error))
        {
            return (new ServiceAccountFacts(configured, null, upn, mfa, partnerCenterScopes, null, null, $"Graph answered {error.ResponseStatusCode} {error.Error?.Code}."), partnerCenterToken);
        }
    }

    async Task<(bool? Present, string? Problem)> GdapServicePrincipalAsync(CancellationToken cancellationToken)
    {
        try
        {
            return (await this.Graph.ServicePrincipalOfAsync(Guid.Parse(PartnerReadiness.GdapServicePrincipalAppId), cancellationToken) is not null, null);
        }
        catch (ODataError error) when (IsRefusal(error))
        {
            return (null, $"the partner tenant's service principals could not be read ({error.ResponseStatusCode} {error.Error?.Code}).");
        }
    }

    /// <summary>What each configured API publishes: its service principal's delegated permissions in the partner tenant.</summary>
    async Task<(IReadOnlyDictionary<Guid, IReadOnlyList<string>>? Published, string? Problem)> PublishedScopesAsync(CancellationToken cancellationToken)
    {
        Dictionary<Guid, IReadOnlyList<string>> published = [];
        foreach (Integration integration in configuration.Integrations)
        {
            try
            {
                ServicePrincipal? api = await this.Graph.ServicePrincipalOfAsync(integration.ResourceAppId, cancellationToken, "appId", "oauth2PermissionScopes");
                published[integration.ResourceAppId] = [.. (api?.Oauth2PermissionScopes ?? []).Select(p => p.Value).OfType<string>()];
            }
            catch (ODataError error) when (IsRefusal(error))
            {
                return (null, $"the published permissions of {integration.DisplayName} could not be read ({error.ResponseStatusCode} {error.Error?.Code}).");
            }
        }

        return (published, null);
    }

    async Task<VaultFacts?> VaultAsync(CancellationToken cancellationToken)
    {
        if (connection.Vault is not { } vault)
        {
            return null;
        }

        Uri secret = this.Options.ServiceAccountRefreshTokenSecretUri!;

        try
        {
            // A secret not written yet is fine: the configured token is used until the first rotation is stored.
            await vault.LoadAsync(cancellationToken);
            return new VaultFacts(secret, null);
        }
        catch (RequestFailedException refused) when (IsRefusal(refused))
        {
            return new VaultFacts(secret, $"{refused.Status} {refused.ErrorCode}.");
        }
        catch (AuthenticationFailedException refused) when (IsRefusal(refused))
        {
            return new VaultFacts(secret, Refusal(refused));
        }
    }

    async Task<WebhookFacts> WebhookAsync(Uri? expected, string token, CancellationToken cancellationToken)
    {
        using HttpClient partnerCenter = connection.CreatePartnerCenterClient();
        partnerCenter.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using HttpResponseMessage response = await partnerCenter.GetAsync("webhooks/v1/registration", cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return new WebhookFacts(expected, null, [], null);
        }

        if (!response.IsSuccessStatusCode)
        {
            return new WebhookFacts(expected, null, [], $"Partner Center answered {(int)response.StatusCode}.");
        }

        JsonObject current = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? [];
        JsonNode? Field(string name) => current.FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
        Uri? registered = Uri.TryCreate(Field("WebhookUrl")?.GetValue<string>(), UriKind.Absolute, out Uri? url) ? url : null;
        string[] events = [.. Field("WebhookEvents")?.AsArray().Select(e => e!.GetValue<string>()) ?? []];
        return new WebhookFacts(expected, registered, events, null);
    }

    /// <summary>
    /// A definite answer about the setup: Entra refusing with an AADSTS code (the service account's session says so in a
    /// <see cref="StepFailedException"/>), or Graph answering 4xx other than 429. Anything else is transient.
    /// </summary>
    static bool IsRefusal(Exception e) => e switch
    {
        StepFailedException => true,
        AuthenticationFailedException failed => EntraAnswers.Words(failed).Contains("AADSTS", StringComparison.Ordinal),
        ODataError error => error.ResponseStatusCode is >= 400 and < 500 and not 429,
        RequestFailedException vault => vault.Status is >= 400 and < 500 and not 429,
        _ => false,
    };

    /// <summary>Entra's own words for a refusal: from its AADSTS code to the end of that sentence group, without trace IDs.</summary>
    static string Refusal(Exception refused)
    {
        if (refused is RequestFailedException vault)
        {
            return $"Key Vault refused to read the refresh token's secret ({vault.Status} {vault.ErrorCode}).";
        }

        return EntraAnswers.Refusal(refused);
    }
}
