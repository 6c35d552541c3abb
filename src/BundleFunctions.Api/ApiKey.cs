using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>
/// The LocalHost's stand-in for Functions keys: the <c>x-functions-key</c> header only, compared in constant time. Never
/// <c>?code=</c>: a key in a URL ends up in logs, browser history and proxies.
/// </summary>
public static class ApiKey
{
    /// <summary>Whether the request carries the expected key. No key configured means no request is let in.</summary>
    public static bool IsAuthorized(HttpRequest request, string? expected)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrEmpty(expected))
        {
            return false;
        }

        string presented = request.Headers["x-functions-key"].FirstOrDefault() ?? string.Empty;
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
    }
}
