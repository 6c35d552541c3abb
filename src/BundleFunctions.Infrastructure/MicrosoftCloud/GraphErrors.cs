using BundleFunctions.Ports;
using Microsoft.Graph.Models.ODataErrors;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>Turns Graph's refusals into the product's terms: a 4xx is a <see cref="StepFailedException"/> in Microsoft's words; the rest stays transient.</summary>
internal static class GraphErrors
{
    /// <summary>Runs a Graph call; a client error becomes a <see cref="StepFailedException"/> naming what was attempted.</summary>
    public static async Task<T> Explain<T>(string attempted, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ODataError error) when (error.ResponseStatusCode is >= 400 and < 500 and not 429 and not 409)
        {
            throw new StepFailedException($"{attempted} was refused by Microsoft Graph ({error.ResponseStatusCode} {error.Error?.Code}): {error.Error?.Message}{HintFor(error.Error?.Message)}", error);
        }
    }

    /// <summary>The fix for the refusals partners actually hit (Graph's and Partner Center's share their wording).</summary>
    /// <param name="message">What Microsoft said.</param>
    /// <returns>A sentence to append, or empty.</returns>
    internal static string HintFor(string? message) => message switch
    {
        string m when m.Contains("does not have the required permissions", StringComparison.OrdinalIgnoreCase) =>
            " Make sure the service account is in AdminAgents with MFA enforced, and the app has DelegatedAdminRelationship.ReadWrite.All.",
        string m when m.Contains("Insufficient privileges", StringComparison.OrdinalIgnoreCase) =>
            " Grant the app the Graph permissions listed in the README and consent them in the partner tenant.",
        _ => string.Empty,
    };
}
