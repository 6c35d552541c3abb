using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Serialization;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// Graph collections read to the end: the first page as given, the rest through the SDK's page iterator (same client, same
/// resilience); and the one-item lookup every adapter makes, an app's service principal.
/// </summary>
internal static class GraphPages
{
    /// <summary>Every item of <paramref name="first"/> and of the pages after it.</summary>
    public static async Task<List<TEntity>> AllAsync<TEntity, TPage>(GraphServiceClient graph, TPage? first, CancellationToken cancellationToken)
        where TPage : IParsable, IAdditionalDataHolder, new()
    {
        List<TEntity> all = [];
        if (first is not null)
        {
            await PageIterator<TEntity, TPage>.CreatePageIterator(graph, first, item =>
            {
                all.Add(item);
                return true;
            }).IterateAsync(cancellationToken);
        }

        return all;
    }

    /// <summary>An app's service principal in the client's tenant (Graph lists at most one per app), or null when it has none.</summary>
    /// <param name="graph">The Graph client of the tenant.</param>
    /// <param name="appId">The app.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <param name="select">The properties to read; Graph's defaults when none.</param>
    /// <returns>The service principal, or null.</returns>
    public static async Task<ServicePrincipal?> ServicePrincipalOfAsync(this GraphServiceClient graph, Guid appId, CancellationToken cancellationToken, params string[] select) =>
        (await graph.ServicePrincipals.GetAsync(
            r =>
            {
                r.QueryParameters.Filter = $"appId eq '{appId}'";
                r.QueryParameters.Select = select.Length == 0 ? null : select;
            },
            cancellationToken))?.Value?.FirstOrDefault();
}
