using Azure.Core;
using Azure.Identity;
using BundleFunctions.Ports;
using Microsoft.Graph.Models.ODataErrors;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// The enterprise-app path (learn.microsoft.com/entra/identity-platform/v2-admin-consent): the admin-consent link for a
/// customer's Global Administrator, and the app's app-only access there afterwards. Admin consent with <c>/.default</c>
/// grants the application permissions the app registration asks for, so the app-only token in the customer must carry
/// every role the app's token in its home tenant carries; a consent given before a permission was added lacks it.
/// </summary>
/// <param name="connection">The Microsoft cloud connection.</param>
public sealed class EnterpriseAppAccess(MicrosoftCloudConnection connection) : IEnterpriseAppAccess
{
    /// <inheritdoc />
    public Uri ConsentLinkFor(Guid customerTenantId, string state)
    {
        ArgumentNullException.ThrowIfNull(state);
        Uri redirect = connection.Options.AdminConsentRedirectUri ?? throw new StepFailedException(
            "No admin-consent callback is configured. Fix: set MicrosoftCloud__AdminConsentRedirectUri to https://<this app>/api/admin-consent/callback "
            + "(in Azure WEBSITE_HOSTNAME provides it), add the same address to the app registration's Web redirect URIs, restart, then retry.");
        string authority = connection.Options.AuthorityHost.AbsoluteUri.TrimEnd('/');
        return new Uri(
            $"{authority}/{customerTenantId}/v2.0/adminconsent?client_id={connection.Options.ClientId}"
            + $"&scope={Uri.EscapeDataString(MicrosoftCloudOptions.GraphScope)}&redirect_uri={Uri.EscapeDataString(redirect.AbsoluteUri)}&state={Uri.EscapeDataString(state)}");
    }

    /// <inheritdoc />
    public async Task<AppAccessReport> ProbeAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
        string[] granted;
        try
        {
            granted = await RolesAsync(connection.CredentialFor(customerTenantId), cancellationToken);
        }
        catch (AuthenticationFailedException refused) when (EntraAnswers.Words(refused).Contains("AADSTS", StringComparison.Ordinal))
        {
            string said = EntraAnswers.Refusal(refused);
            return new AppAccessReport(false, [], [said.Contains("AADSTS700016", StringComparison.Ordinal)
                ? $"The app is not consented in the customer tenant (Entra: {said}) Fix: the customer's Global Administrator opens the admin-consent link and accepts."
                : $"The app cannot sign in to the customer tenant (Entra: {said}) Fix: GET /api/readiness names the app's sign-in problem."]);
        }

        string[] wanted = await RolesAsync(connection.CredentialFor(connection.Options.PartnerTenantId), cancellationToken);
        List<string> problems = [];
        try
        {
            await connection.GraphFor(customerTenantId).Organization.GetAsync(cancellationToken: cancellationToken);
        }
        catch (ODataError refused) when (refused.ResponseStatusCode is 401 or 403)
        {
            problems.Add($"Graph refused the app-only smoke call in the customer tenant ({refused.ResponseStatusCode}): {refused.Error?.Message} "
                + "Fix: give the app registration Organization.Read.All or Directory.Read.All (application), then send the customer the admin-consent link again.");
        }

        return new AppAccessReport(true, [.. wanted.Except(granted, StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal)], problems);
    }

    static async Task<string[]> RolesAsync(TokenCredential credential, CancellationToken cancellationToken)
    {
        AccessToken token = await credential.GetTokenAsync(new TokenRequestContext([MicrosoftCloudOptions.GraphScope]), cancellationToken);
        return [.. EntraAnswers.Claims(token.Token)["roles"]?.AsArray().Select(r => r!.GetValue<string>()) ?? []];
    }
}
