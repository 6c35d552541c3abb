using System.Security.Claims;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>What a caller may do; each role includes the ones before it.</summary>
public enum ApiRole
{
    /// <summary>See everything: onboardings, customers, audits, readiness.</summary>
    Reader,

    /// <summary>Start, retry, refresh and cancel onboardings; batches; consent-all; imports and mappings.</summary>
    Operator,

    /// <summary>Global Administrator removal, offboarding, migration, webhook registration.</summary>
    Administrator,
}

/// <summary>
/// Who is calling and what they may do, as the audit trail records it: a person or a system signed in with Entra ID (an
/// access token for this API whose <c>roles</c> hold <c>BundleFunctions.Reader</c>, <c>.Operator</c> or
/// <c>.Administrator</c>), or a system holding the function key, which is limited to Reader and Operator. The name comes
/// from the token — a person's sign-in name, a system's app ID — never from a header the caller writes.
/// </summary>
/// <param name="Name">For the audit trail.</param>
/// <param name="Role">The highest role held; null when none.</param>
public sealed record ApiCaller(string Name, ApiRole? Role)
{
    /// <summary>The prefix of this API's app role values.</summary>
    public const string RolePrefix = "BundleFunctions.";

    /// <summary>The name a function-key caller is recorded under.</summary>
    public const string FunctionKeyName = "function key";

    /// <summary>The caller the function key stands for: a system limited to Reader and Operator.</summary>
    public static ApiCaller FunctionKey { get; } = new(FunctionKeyName, ApiRole.Operator);

    /// <summary>Whether the caller holds <paramref name="role"/> (or a higher one).</summary>
    /// <param name="role">The role a route needs.</param>
    /// <returns>True when allowed.</returns>
    public bool Holds(ApiRole role) => this.Role >= role;

    /// <summary>The signed-in caller of a request (its validated token's claims), or null when it carries none.</summary>
    /// <param name="user">The request's principal, as the host's authentication set it.</param>
    /// <returns>The caller, or null.</returns>
    public static ApiCaller? SignedIn(ClaimsPrincipal? user)
    {
        if (user?.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        ApiRole? role = null;
        foreach (string value in user.Claims.Where(c => c.Type is "roles" or ClaimTypes.Role).Select(c => c.Value))
        {
            if (value.StartsWith(RolePrefix, StringComparison.Ordinal) && Enum.TryParse(value[RolePrefix.Length..], ignoreCase: false, out ApiRole held) && Enum.IsDefined(held) && (role is null || held > role))
            {
                role = held;
            }
        }

        // A person: their sign-in name; a system (app-only token): its app ID, which its app registration names.
        string? person = Claim(user, "preferred_username") ?? Claim(user, "upn") ?? Claim(user, ClaimTypes.Upn);
        string? app = Claim(user, "azp") ?? Claim(user, "appid");
        string name = person ?? (app is null ? "unnamed caller" : $"app {app}");
        return new ApiCaller(name.Length > 128 ? name[..128] : name, role);
    }

    /// <summary>
    /// The principal App Service authentication (Easy Auth) puts in <c>X-MS-CLIENT-PRINCIPAL</c> after validating the
    /// caller's token. Read only when the platform says it is on (<c>WEBSITE_AUTH_ENABLED</c>): App Service then strips the
    /// header from incoming requests, so a caller cannot write it; without Easy Auth it would be anyone's to forge.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="easyAuthEnabled">Whether App Service authentication is on for this app.</param>
    /// <returns>The principal, or null.</returns>
    public static ClaimsPrincipal? FromEasyAuth(HttpRequest request, bool easyAuthEnabled)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!easyAuthEnabled || request.Headers["X-MS-CLIENT-PRINCIPAL"].FirstOrDefault() is not { Length: > 0 and < 16384 } encoded)
        {
            return null;
        }

        try
        {
            JsonObject? principal = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(encoded)))?.AsObject();
            Claim[] claims = [.. (principal?["claims"]?.AsArray() ?? []).Select(c => new Claim(c?["typ"]?.GetValue<string>() ?? string.Empty, c?["val"]?.GetValue<string>() ?? string.Empty))];
            return new ClaimsPrincipal(new ClaimsIdentity(claims, principal?["auth_typ"]?.GetValue<string>() ?? "aad", "name", "roles"));
        }
        catch (Exception unreadable) when (unreadable is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    static string? Claim(ClaimsPrincipal user, string type) => user.FindFirst(type)?.Value is { Length: > 0 } value ? value : null;
}
