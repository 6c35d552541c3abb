using System.Buffers.Text;
using System.Globalization;
using System.Text;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>
/// One page of a listing endpoint: <c>top</c> (1–100, default 100) and the <c>continuationToken</c> the previous page
/// announced in its <c>Link</c> header (RFC 8288). The body stays a plain array; the token is opaque to callers.
/// </summary>
/// <param name="Top">How many items at most.</param>
/// <param name="After">Where the previous page ended (decoded), or null for the first page.</param>
internal sealed record PageRequest(int Top, string? After)
{
    /// <summary>The problem for a token this API did not issue.</summary>
    public static IResult ForeignToken => ApiJson.Problem(400, "continuationToken is not one this API issued: use the Link header of the previous page.");

    /// <summary>The page asked for, or the 400 problem saying what is wrong with it.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The page, or the problem.</returns>
    public static (PageRequest? Page, IResult? Problem) Read(HttpRequest request)
    {
        int top = OnboardingQuery.MaxTop;
        if (request.Query["top"].FirstOrDefault() is { Length: > 0 } size && (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > OnboardingQuery.MaxTop))
        {
            return (null, ApiJson.Problem(400, $"top must be a whole number from 1 to {OnboardingQuery.MaxTop}."));
        }

        if (request.Query["continuationToken"].FirstOrDefault() is not { Length: > 0 } token)
        {
            return (new PageRequest(top, null), null);
        }

        try
        {
            return (new PageRequest(top, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token))), null);
        }
        catch (FormatException)
        {
            return (null, ForeignToken);
        }
    }

    /// <summary>Announces the next page, which starts after <paramref name="next"/>, in the response's <c>Link</c> header.</summary>
    /// <param name="request">The request whose other query parameters the next page keeps.</param>
    /// <param name="next">Where this page ended.</param>
    public static void AnnounceNext(HttpRequest request, string next)
    {
        QueryString query = QueryString.Create(request.Query.Where(q => q.Key != "continuationToken").SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v))))
            .Add("continuationToken", Base64Url.EncodeToString(Encoding.UTF8.GetBytes(next)));
        request.HttpContext.Response.Headers.Link = $"<{request.PathBase}{request.Path}{query}>; rel=\"next\"";
    }

    /// <summary>Reads the optional filter <paramref name="name"/>, one of <typeparamref name="T"/>'s names in camelCase, or the 400 problem listing them.</summary>
    /// <typeparam name="T">The values the filter takes.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="name">The query parameter.</param>
    /// <param name="title">The problem's title, e.g. <c>Unknown status.</c>.</param>
    /// <returns>The value (null when not given), or the problem.</returns>
    public static (T? Value, IResult? Problem) Filter<T>(HttpRequest request, string name, string title)
        where T : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query[name].FirstOrDefault() is not { Length: > 0 } wanted)
        {
            return (null, null);
        }

        return Enum.TryParse(wanted, ignoreCase: true, out T parsed) && !int.TryParse(wanted, out _)
            ? (parsed, null)
            : (null, ApiJson.Problem(400, title, $"{name} must be one of: {string.Join(", ", Enum.GetValues<T>().Select(WireName.Of))}."));
    }

    /// <summary>
    /// Answers one page of a listing: reads <c>top</c> and <c>continuationToken</c>, fetches the page (a token the store
    /// refuses is a 400), announces the next page in the <c>Link</c> header, and writes the items as a JSON array.
    /// </summary>
    /// <typeparam name="T">The items' document type.</typeparam>
    /// <param name="request">The request.</param>
    /// <param name="fetch">Reads the page asked for: its items and the next page's token.</param>
    /// <returns>The response.</returns>
    public static async Task<IResult> ServeAsync<T>(HttpRequest request, Func<PageRequest, Task<(IReadOnlyList<T> Items, string? Next)>> fetch)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        (PageRequest? asked, IResult? badPage) = Read(request);
        if (badPage is not null)
        {
            return badPage;
        }

        (IReadOnlyList<T> Items, string? Next) page;
        try
        {
            page = await fetch(asked!);
        }
        catch (ArgumentException)
        {
            return ForeignToken;
        }

        if (page.Next is { } next)
        {
            AnnounceNext(request, next);
        }

        return ApiJson.Json(page.Items);
    }
}
