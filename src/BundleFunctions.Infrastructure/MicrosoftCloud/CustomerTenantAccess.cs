using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using BundleFunctions.Bundle;
using BundleFunctions.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// The partner app inside customer tenants, the GDAP way (as CIPP's <c>Set-CIPPCPVConsent</c> and <c>Test-CIPPAccessTenant</c>
/// do it): consent through Partner Center with the service account's App+User token, then a probe signed in as the service
/// account inside the customer tenant, where its rights are its GDAP roles. Partner Center consent grants the app
/// delegated permissions only, so nothing here calls a customer tenant app-only.
/// </summary>
/// <param name="connection">The Microsoft cloud connection.</param>
/// <param name="configuration">The bundle's configuration: the consent grants each customer gets.</param>
public sealed class CustomerTenantAccess(MicrosoftCloudConnection connection, BundleConfiguration configuration) : ICustomerAccess
{
    /// <inheritdoc />
    public async Task<ConsentOutcome> EnsureConsentAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
        if (await this.ConditionalAccessBlockAsync(customerTenantId, cancellationToken) is { } blocked)
        {
            throw new StepFailedException(blocked);
        }

        using HttpResponseMessage response = await this.SendToPartnerCenterAsync(
            HttpMethod.Post,
            $"v1/customers/{customerTenantId}/applicationconsents",
            JsonContent.Create(new
            {
                applicationId = connection.Options.ClientId,
                displayName = connection.Options.ApplicationDisplayName,
                applicationGrants = configuration.ConsentGrants.Select(g => new { enterpriseApplicationId = g.Integration.ResourceAppId, scope = g.ScopeList }),
            }),
            cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return ConsentOutcome.Created;
        }

        string description = await DescriptionAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict || description.Contains("Permission entry already exists", StringComparison.OrdinalIgnoreCase))
        {
            // Partner Center does not change an existing consent: after a configuration change its grants are brought up
            // to date in the customer directly, as CIPP's CPV refresh does (Add-CIPPDelegatedPermission).
            return await this.BringGrantsUpToDateAsync(customerTenantId, cancellationToken);
        }

        if (response.StatusCode == HttpStatusCode.Forbidden && description.Contains("GDAP", StringComparison.OrdinalIgnoreCase))
        {
            // The service account's Application Administrator and Privileged Role Administrator roles have not reached the
            // customer yet (propagation takes up to an hour): not a failure, a "not yet".
            return new ConsentOutcome(ConsentState.AwaitingGdapRoles, description);
        }

        if (description.Contains("Conditional Access", StringComparison.OrdinalIgnoreCase))
        {
            throw new StepFailedException(
                "Consent is blocked by a Conditional Access policy in the customer tenant. Fix: in the customer's Entra admin center, "
                + "exclude 'Service provider users' (or this partner tenant) from the policy's users, then refresh. Microsoft said: " + description);
        }

        throw (int)response.StatusCode is >= 400 and < 500
            ? new StepFailedException($"Partner Center refused the application consent ({(int)response.StatusCode}): {description}{GraphErrors.HintFor(description)}")
            : new HttpRequestException($"Partner Center answered {(int)response.StatusCode}: {description}", null, response.StatusCode);
    }

    /// <inheritdoc />
    public async Task<bool> RemoveConsentAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
        using HttpResponseMessage response = await this.SendToPartnerCenterAsync(
            HttpMethod.Delete, $"v1/customers/{customerTenantId}/applicationconsents/{connection.Options.ClientId}", content: null, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // None, or an earlier attempt whose answer was lost removed it: what was asked for is so.
            return false;
        }

        string description = await DescriptionAsync(response, cancellationToken);
        throw (int)response.StatusCode is >= 400 and < 500
            ? new StepFailedException($"Partner Center refused to remove the application's consent ({(int)response.StatusCode}): {description}{GraphErrors.HintFor(description)}")
            : new HttpRequestException($"Partner Center answered {(int)response.StatusCode}: {description}", null, response.StatusCode);
    }

    /// <inheritdoc />
    public async Task<AccessReport> ProbeAsync(Guid customerTenantId, IReadOnlyList<Guid> requiredRoleTemplateIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requiredRoleTemplateIds);
        GraphServiceClient graph = connection.GraphAsServiceAccountIn(customerTenantId);
        string partner = connection.Options.PartnerTenantId.ToString();
        List<Guid> missing = [];
        List<string> problems = [];
        try
        {
            foreach (Guid role in requiredRoleTemplateIds)
            {
                UnifiedRoleAssignmentCollectionResponse? assignments = await graph.RoleManagement.Directory.RoleAssignments.GetAsync(
                    r =>
                    {
                        r.QueryParameters.Filter = $"roleDefinitionId eq '{role}'";
                        r.QueryParameters.Expand = ["principal"];
                    },
                    cancellationToken);
                if (!(assignments?.Value ?? []).Any(a => string.Equals(OrganizationOf(a.Principal), partner, StringComparison.OrdinalIgnoreCase)))
                {
                    missing.Add(role);
                }
            }
        }
        catch (ODataError refused) when (refused.ResponseStatusCode is 401 or 403)
        {
            return new AccessReport(requiredRoleTemplateIds, [$"The service account may not read role assignments in the customer tenant ({refused.ResponseStatusCode}: {refused.Error?.Message}). "
                + "It needs Privileged Role Administrator, Global Reader or Directory Readers there: include one of them in the onboarding's roles."]);
        }
        catch (StepFailedException refused)
        {
            return new AccessReport(requiredRoleTemplateIds, [SignInProblem(refused.Message)]);
        }

        try
        {
            await graph.Organization.GetAsync(cancellationToken: cancellationToken);
        }
        catch (ODataError refused) when (refused.ResponseStatusCode is 401 or 403)
        {
            problems.Add($"Graph refused the smoke call in the customer tenant ({refused.ResponseStatusCode}): {refused.Error?.Message}");
        }

        try
        {
            if (await graph.ServicePrincipalOfAsync(connection.Options.ClientId, cancellationToken) is null)
            {
                problems.Add("The app is not (yet) present in the customer tenant: its consent has not replicated, or it was removed. Refresh to consent again.");
            }
        }
        catch (ODataError refused) when (refused.ResponseStatusCode is 401 or 403)
        {
            problems.Add($"The service account may not read the customer's enterprise applications ({refused.ResponseStatusCode}): it needs Application Administrator or Cloud Application Administrator there.");
        }

        return new AccessReport(missing, problems);
    }

    /// <summary>
    /// Adds to the app's tenant-wide delegated grants in the customer whatever the configuration asks for and they lack
    /// (a new integration, a permission picked since): the resource's service principal is created when missing, a grant
    /// created or its scope widened. Nothing is removed — narrowing a consent is an offboarding decision, not a refresh.
    /// Signed in as the service account (DelegatedPermissionGrant.ReadWrite.All, Privileged Role Administrator there).
    /// </summary>
    async Task<ConsentOutcome> BringGrantsUpToDateAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
        GraphServiceClient graph = connection.GraphAsServiceAccountIn(customerTenantId);
        try
        {
            if ((await graph.ServicePrincipalOfAsync(connection.Options.ClientId, cancellationToken))?.Id is not { } appObjectId)
            {
                return ConsentOutcome.AlreadyPresent; // Partner Center's consent has not replicated into the directory yet
            }

            List<OAuth2PermissionGrant> grants = (await graph.Oauth2PermissionGrants.GetAsync(r => r.QueryParameters.Filter = $"clientId eq '{appObjectId}'", cancellationToken))?.Value ?? [];
            List<string> added = [];
            foreach (ConsentGrant wanted in configuration.ConsentGrants)
            {
                string resourceId = (await graph.ServicePrincipalOfAsync(wanted.Integration.ResourceAppId, cancellationToken))?.Id
                    ?? (await graph.ServicePrincipals.PostAsync(new ServicePrincipal { AppId = wanted.Integration.ResourceAppId.ToString() }, cancellationToken: cancellationToken))!.Id!;
                OAuth2PermissionGrant? grant = grants.FirstOrDefault(g => g.ResourceId == resourceId && g.ConsentType == "AllPrincipals");
                string[] held = (grant?.Scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                string[] missing = [.. wanted.Scopes.Where(s => !held.Contains(s, StringComparer.OrdinalIgnoreCase))];
                if (missing.Length == 0)
                {
                    continue;
                }

                if (grant?.Id is { } grantId)
                {
                    await graph.Oauth2PermissionGrants[grantId].PatchAsync(new OAuth2PermissionGrant { Scope = string.Join(' ', held.Concat(missing)) }, cancellationToken: cancellationToken);
                }
                else
                {
                    await graph.Oauth2PermissionGrants.PostAsync(new OAuth2PermissionGrant { ClientId = appObjectId, ConsentType = "AllPrincipals", ResourceId = resourceId, Scope = string.Join(' ', wanted.Scopes) }, cancellationToken: cancellationToken);
                }

                added.Add($"{wanted.Integration.DisplayName}: {string.Join(", ", missing)}");
            }

            return added.Count == 0
                ? ConsentOutcome.AlreadyPresent
                : new ConsentOutcome(ConsentState.AlreadyPresent, $"The application was already consented; its grants were brought up to the bundle's configuration, adding {string.Join("; ", added)}.");
        }
        catch (StepFailedException signIn)
        {
            // Its GDAP roles have not reached the customer yet (AADSTS50020): the same "not yet" as Partner Center's.
            return new ConsentOutcome(ConsentState.AwaitingGdapRoles, signIn.Message);
        }
        catch (ODataError refused) when (refused.ResponseStatusCode is 401 or 403)
        {
            throw new StepFailedException(
                $"The consent exists, but its grants could not be brought up to the bundle's configuration ({refused.ResponseStatusCode}: {refused.Error?.Message}). "
                + "Fix: the service account needs Privileged Role Administrator and Cloud Application Administrator in the customer (both in the bundle's roles) and the consent DelegatedPermissionGrant.ReadWrite.All and Application.ReadWrite.All (every Graph preset has them); then refresh.");
        }
    }

    static string? OrganizationOf(DirectoryObject? principal) => principal switch
    {
        Group group => group.OrganizationId,
        null => null,
        _ => principal.AdditionalData.TryGetValue("organizationId", out object? id) ? id?.ToString() : null,
    };

    /// <summary>
    /// The Conditional Access pre-check, before anything is sent to Partner Center: the service account signs in to the
    /// customer, which is where Entra applies the customer's policies to service provider users. A block (AADSTS53003) would
    /// refuse the consent and every GDAP call after it, so it is reported now, with the fix; its words do not name the policy
    /// (the customer's sign-in logs do), and the policies cannot be read from outside before consent — reading them needs the
    /// very sign-in that is blocked. Any other answer (not consented yet, roles still propagating) is the consent's to judge.
    /// </summary>
    async Task<string?> ConditionalAccessBlockAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
        try
        {
            await connection.ServiceAccountIn(customerTenantId).GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), cancellationToken);
            return null;
        }
        catch (StepFailedException refused) when (refused.Message.Contains("AADSTS53003", StringComparison.Ordinal))
        {
            return "Consent is blocked by a Conditional Access policy in the customer tenant. Fix: in the customer's Entra admin center, "
                + "exclude 'Service provider users' (or this partner tenant) from the policy's users, then refresh. Seen before consent: Entra "
                + "refused the service account's sign-in there (AADSTS53003), so nothing was sent to Partner Center; the customer's sign-in "
                + "logs (Conditional Access tab) name the policy.";
        }
        catch (StepFailedException)
        {
            return null;
        }
    }

    /// <summary>Why the service account could not sign in to the customer, by the AADSTS code Entra gave, with the fix.</summary>
    static string SignInProblem(string detail) =>
        detail.Contains("AADSTS50020", StringComparison.Ordinal)
            ? "The service account holds no GDAP role in the customer tenant yet: the access assignments have not propagated (up to an hour), or the service account is not in the partner groups."
            : detail.Contains("AADSTS65001", StringComparison.Ordinal) || detail.Contains("AADSTS700016", StringComparison.Ordinal)
                ? "The app is not consented in the customer tenant yet (or the consent has not replicated): refresh to consent again."
                : detail.Contains("AADSTS53003", StringComparison.Ordinal)
                    ? "Sign-in to the customer tenant is blocked by a Conditional Access policy: exclude service provider users from it."
                    : detail;

    /// <summary>One Partner Center call as the service account (App+User token), with the headers Partner Center expects.</summary>
    async Task<HttpResponseMessage> SendToPartnerCenterAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        AccessToken token = await connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), cancellationToken);
        using HttpClient partnerCenter = connection.CreatePartnerCenterClient();
        using HttpRequestMessage request = new(method, path) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Add("MS-RequestId", Guid.NewGuid().ToString());
        return await partnerCenter.SendAsync(request, cancellationToken);
    }

    static async Task<string> DescriptionAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        Description(await response.Content.ReadAsStringAsync(cancellationToken));

    /// <summary>The <c>description</c> of a Partner Center error body (<c>{code, description, data}</c>), or the body itself.</summary>
    /// <param name="text">The body.</param>
    /// <returns>The description.</returns>
    internal static string Description(string text)
    {
        try
        {
            return JsonNode.Parse(text)?["description"]?.GetValue<string>() ?? text;
        }
        catch (System.Text.Json.JsonException)
        {
            return text;
        }
    }
}
