using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.Login;
using MicrosoftCloudSimulator.State;
using MicrosoftCloudSimulator.Webhooks;

namespace MicrosoftCloudSimulator.KeyVault;

/// <summary>
/// A Key Vault's secrets API at the simulator's root (vault URI = the simulator's base address): challenge-based
/// authentication (a request without a token gets 401 with the authority and resource to ask), then versioned secrets —
/// <c>PUT /secrets/{name}</c> adds a version, <c>GET /secrets/{name}[/{version}]</c> reads the latest or one version.
/// </summary>
public static class KeyVaultEndpoints
{
    public static void MapKeyVault(this IEndpointRouteBuilder app)
    {
        RouteGroupBuilder vault = app.MapGroup("/secrets").AddEndpointFilter(async (context, next) =>
        {
            HttpContext http = context.HttpContext;
            if (http.Request.Headers.Authorization.Count == 0)
            {
                SimulatedCloud cloud = http.RequestServices.GetRequiredService<SimulatedCloud>();
                string authority = http.RequestServices.GetRequiredService<SimulatorEndpoint>().BaseAddress + "/" + cloud.Partner.Id;
                http.Response.Headers.WWWAuthenticate = $"Bearer authorization=\"{authority}\", resource=\"{AccessTokens.KeyVaultAudience}\"";
                return Error(401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.");
            }

            (Caller? caller, string? problem) = http.RequestServices.GetRequiredService<AccessTokens>().Validate(http.Request.Headers.Authorization, AccessTokens.KeyVaultAudience);
            if (caller is null)
            {
                return Error(401, "Unauthorized", problem!);
            }

            http.Items[nameof(Caller)] = caller;
            return await next(context);
        });
        vault.MapPut("/{name}", SetSecret);
        vault.MapGet("/{name}", (string name, HttpContext http, SimulatedVault secrets) => GetSecret(name, null, http, secrets));
        vault.MapGet("/{name}/{version}", (string name, string version, HttpContext http, SimulatedVault secrets) => GetSecret(name, version, http, secrets));
    }

    static async Task<IResult> SetSecret(string name, HttpContext http, SimulatedVault secrets)
    {
        if (secrets.Refuses(name, "setSecret"))
        {
            return ForbiddenByRbac(http, name, "setSecret");
        }

        JsonObject? body = await Graph.DirectoryEndpoints.ReadBody(http);
        if (body?["value"]?.GetValue<string>() is not { } value)
        {
            return Error(400, "BadParameter", "Property 'value' is required.");
        }

        return Results.Json(Bundle(http, secrets.Add(name, value, body["contentType"]?.GetValue<string>())));
    }

    /// <summary>
    /// An RBAC vault where the caller lacks the role for <paramref name="action"/> on this secret (Key Vault Secrets User to
    /// read, Secrets Officer to write): 403, code Forbidden, inner code ForbiddenByRbac, the message naming caller, action and
    /// resource (learn.microsoft.com/azure/key-vault/general/rbac-guide; the wording as Key Vault answers it).
    /// </summary>
    static IResult ForbiddenByRbac(HttpContext http, string name, string action)
    {
        Caller caller = (Caller)http.Items[nameof(Caller)]!;
        string message = "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n"
            + $"Caller: appid={caller.AppId};oid={caller.UserId ?? caller.AppId};iss=https://sts.windows.net/{caller.HomeTenantId}/\r\n"
            + $"Action: 'Microsoft.KeyVault/vaults/secrets/{action}/action'\r\n"
            + $"Resource: '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/simulated/providers/microsoft.keyvault/vaults/simulated/secrets/{name.ToLowerInvariant()}'\r\n"
            + "Assignment: (not found)\r\nDenyAssignmentId: null\r\nDecisionReason: 'DeniedWithNoValidRBAC' \r\nVault: simulated;location=westeurope\r\n";
        return Results.Json(new { error = new { code = "Forbidden", message, innererror = new { code = "ForbiddenByRbac" } } }, statusCode: 403);
    }

    static IResult GetSecret(string name, string? version, HttpContext http, SimulatedVault secrets) =>
        secrets.Refuses(name, "getSecret") ? ForbiddenByRbac(http, name, "getSecret")
        : secrets.Find(name, version) is { } secret
            ? Results.Json(Bundle(http, secret))
            : Error(404, "SecretNotFound", $"A secret with (name/id) {name}{(version is null ? string.Empty : "/" + version)} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command.");

    static object Bundle(HttpContext http, SecretVersion secret) => new
    {
        value = secret.Value,
        contentType = secret.ContentType,
        id = $"{http.RequestServices.GetRequiredService<SimulatorEndpoint>().BaseAddress}/secrets/{secret.Name}/{secret.Version}",
        attributes = new { enabled = true, created = secret.Created.ToUnixTimeSeconds(), updated = secret.Created.ToUnixTimeSeconds(), recoveryLevel = "Recoverable+Purgeable" },
    };

    static IResult Error(int status, string code, string message) => Results.Json(new { error = new { code, message } }, statusCode: status);
}

/// <summary>The simulated vault's secrets: every version kept, the newest is the secret's value.</summary>
public sealed class SimulatedVault(TimeProvider time)
{
    readonly Dictionary<string, List<SecretVersion>> secrets = new(StringComparer.OrdinalIgnoreCase);

    public SecretVersion Add(string name, string value, string? contentType)
    {
        lock (this.secrets)
        {
            SecretVersion version = new(name, Guid.NewGuid().ToString("N"), value, contentType, time.GetUtcNow());
            (this.secrets.TryGetValue(name, out List<SecretVersion>? versions) ? versions : this.secrets[name] = []).Add(version);
            return version;
        }
    }

    public SecretVersion? Find(string name, string? version)
    {
        lock (this.secrets)
        {
            return this.secrets.TryGetValue(name, out List<SecretVersion>? versions)
                ? version is null ? versions[^1] : versions.FirstOrDefault(v => v.Version == version)
                : null;
        }
    }

    /// <summary>Secret actions the RBAC role assignments refuse: (secret, <c>getSecret</c> or <c>setSecret</c>).</summary>
    readonly HashSet<(string Name, string Action)> refused = [];

    /// <summary>
    /// Every caller is refused <paramref name="action"/> on <paramref name="name"/>: <c>setSecret</c> where callers hold Key
    /// Vault Secrets User but not Officer on it, <c>getSecret</c> where the app's identity holds neither.
    /// </summary>
    public void Refuse(string name, string action)
    {
        lock (this.secrets)
        {
            this.refused.Add((name.ToLowerInvariant(), action));
        }
    }

    /// <summary>Whether <paramref name="action"/> on <paramref name="name"/> is refused.</summary>
    public bool Refuses(string name, string action)
    {
        lock (this.secrets)
        {
            return this.refused.Contains((name.ToLowerInvariant(), action));
        }
    }

    /// <summary>How many versions a secret has (for tests: each rotation is one).</summary>
    public int VersionsOf(string name)
    {
        lock (this.secrets)
        {
            return this.secrets.TryGetValue(name, out List<SecretVersion>? versions) ? versions.Count : 0;
        }
    }
}

/// <summary>One version of a secret.</summary>
public sealed record SecretVersion(string Name, string Version, string Value, string? ContentType, DateTimeOffset Created);
