using Azure;
using Azure.Data.Tables;

namespace BundleFunctions.Infrastructure.Storage;

/// <summary>One page of a table query, as the listing endpoints hand them out.</summary>
internal static class TablePages
{
    /// <summary>
    /// The first non-empty page of <paramref name="filter"/> after <paramref name="continuationToken"/>: the table service may
    /// end a page early, even empty, with a token, and an empty page is skipped rather than returned.
    /// </summary>
    /// <typeparam name="T">What a row becomes.</typeparam>
    /// <param name="table">The table.</param>
    /// <param name="filter">The OData filter.</param>
    /// <param name="top">At most this many rows.</param>
    /// <param name="continuationToken">Where the previous page ended; null for the first.</param>
    /// <param name="map">Turns a row into an item.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The items and the next page's token (null on the last page).</returns>
    /// <exception cref="ArgumentException">The token is not one the table service issued.</exception>
    public static async Task<(IReadOnlyList<T> Items, string? Next)> ReadAsync<T>(TableClient table, string filter, int top, string? continuationToken, Func<TableEntity, T> map, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (Page<TableEntity> page in table.QueryAsync<TableEntity>(filter, maxPerPage: top, cancellationToken: cancellationToken).AsPages(continuationToken, top))
            {
                if (page.Values.Count > 0 || page.ContinuationToken is null)
                {
                    return ([.. page.Values.Select(map)], page.ContinuationToken);
                }
            }
        }
        catch (RequestFailedException refused) when (refused.Status == 400 && continuationToken is not null)
        {
            throw new ArgumentException("The continuation token is not one this store issued.", nameof(continuationToken), refused);
        }

        return ([], null);
    }
}
