using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Serialization;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>Graph collections read to the end: the first page as given, the rest through the SDK's page iterator (same client, same resilience).</summary>
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
}
