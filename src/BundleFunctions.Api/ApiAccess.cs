using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BundleFunctions.Api;

/// <summary>
/// Who may call which route (README, "Sign-in and roles"): every route but the health, OpenAPI, webhook and consent-callback
/// ones needs a caller — a token for this API or the function key — and each names the role it needs. Both hosts decide
/// with the same <see cref="Refusal"/>; the caller it let in is kept on the request for the audit trail.
/// </summary>
public static class ApiAccess
{
    const string CallerItem = "BundleFunctions.ApiCaller";

    /// <summary>The caller a host let in for this request (for the audit trail).</summary>
    /// <param name="http">The request's context.</param>
    /// <returns>The caller; the function key's when no gate recorded one (a route open to systems holding the key).</returns>
    public static ApiCaller CallerOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Items[CallerItem] as ApiCaller ?? ApiCaller.SignedIn(http.User) ?? ApiCaller.FunctionKey;
    }

    /// <summary>Lets <paramref name="caller"/> in for a route needing <paramref name="role"/>, or says why not (401, 403).</summary>
    /// <param name="http">The request's context; the caller let in is kept on it.</param>
    /// <param name="caller">Who is calling, or null when the request carries neither a valid token nor the key.</param>
    /// <param name="role">The role the route needs.</param>
    /// <returns>Null when allowed; else the problem to answer.</returns>
    public static IResult? Refusal(HttpContext http, ApiCaller? caller, ApiRole role)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (caller is null)
        {
            return ApiJson.Problem(401, "Sign in: send a bearer token for this API (Entra ID), or a valid x-functions-key header.");
        }

        if (!caller.Holds(role))
        {
            string held = caller.Role is { } some ? $"{caller.Name} holds {some}" : $"{caller.Name} holds no role of this API";
            string why = caller == ApiCaller.FunctionKey ? " The function key stands for Reader and Operator only: sign in with Entra ID for Administrator routes." : string.Empty;
            return ApiJson.Problem(403, $"This needs the {role} role.", $"{held}; an administrator assigns roles in Entra ID (Enterprise applications → BundleFunctions API → Users and groups).{why}");
        }

        http.Items[CallerItem] = caller;
        return null;
    }

    /// <summary>The route needs <paramref name="role"/>: anyone else gets 403 (the group's gate already refused anonymous callers).</summary>
    /// <param name="route">The route.</param>
    /// <param name="role">The role.</param>
    /// <returns>The same route, for chaining.</returns>
    public static RouteHandlerBuilder RequireRole(this RouteHandlerBuilder route, ApiRole role)
    {
        ArgumentNullException.ThrowIfNull(route);
        return route.AddEndpointFilter(async (context, next) =>
            Refusal(context.HttpContext, CallerOf(context.HttpContext), role) ?? await next(context));
    }
}
