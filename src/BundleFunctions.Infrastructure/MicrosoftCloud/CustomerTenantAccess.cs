using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Identity;
using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// The partner app inside customer tenants: consent through Partner Center (App+User, as Partner Center requires), then a
/// probe from inside the customer tenant, the way CIPP and Rewst check GDAP health: per required role, a role assignment
/// whose principal belongs to the partner's organization, and a Graph smoke call.
/// </summary>
/// <param name="connection">The Microsoft cloud connection.</param>
public sealed class CustomerTenantAccess(MicrosoftCloudConnection connection) : ICustomerAccess
{
    const string MicrosoftGraphAppId = "00000003-0000-0000-c000-000000000000";

    /// <inheritdoc />
    public async Task<bool> EnsureConsentAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
        AccessToken token = await connection.ServiceAccount.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.PartnerCenterScope]), cancellationToken);
        using HttpClient partnerCenter = connection.CreatePartnerCenterClient();
        using HttpRequestMessage request = new(HttpMethod.Post, $"v1/customers/{customerTenantId}/applicationconsents")
        {
            Content = JsonContent.Create(new
            {
                applicationId = connection.Options.ClientId,
                displayName = connection.Options.ApplicationDisplayName,
                applicationGrants = new[] { new { enterpriseApplicationId = MicrosoftGraphAppId, scope = connection.Options.ConsentScopes } },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        request.Headers.Add("MS-RequestId", Guid.NewGuid().ToString());
        using HttpResponseMessage response = await partnerCenter.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return true;
        }

        string description = await DescriptionAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict || description.Contains("Permission entry already exists", StringComparison.OrdinalIgnoreCase))
        {
            return false;
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
    public async Task<AccessReport> ProbeAsync(Guid customerTenantId, IReadOnlyList<Guid> requiredRoleTemplateIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requiredRoleTemplateIds);
        GraphServiceClient graph = connection.GraphFor(customerTenantId);
        string partner = connection.Options.PartnerTenantId.ToString();
        List<Guid> missing = [];
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

            await graph.Organization.GetAsync(cancellationToken: cancellationToken);
            return new AccessReport(missing, []);
        }
        catch (AuthenticationFailedException refused)
        {
            return new AccessReport(missing.Count > 0 ? missing : requiredRoleTemplateIds, [SignInProblem(refused)]);
        }
        catch (ODataError refused) when (refused.ResponseStatusCode is 401 or 403)
        {
            return new AccessReport(missing, [$"Graph refused the smoke call in the customer tenant ({refused.ResponseStatusCode}): {refused.Error?.Message}"]);
        }
    }

    static string? OrganizationOf(DirectoryObject? principal) => principal switch
    {
        Group group => group.OrganizationId,
        null => null,
        _ => principal.AdditionalData.TryGetValue("organizationId", out object? id) ? id?.ToString() : null,
    };

    static string SignInProblem(AuthenticationFailedException refused)
    {
        string detail = refused.ToString();
        return detail.Contains("AADSTS700016", StringComparison.Ordinal)
            ? "The app cannot sign in to the customer tenant yet: it is not consented there, or the consent has not propagated (up to an hour)."
            : detail.Contains("AADSTS53003", StringComparison.Ordinal)
                ? "Sign-in to the customer tenant is blocked by a Conditional Access policy: exclude service provider users from it."
                : $"The app could not sign in to the customer tenant: {refused.Message}";
    }

    static async Task<string> DescriptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text = await response.Content.ReadAsStringAsync(cancellationToken);
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
