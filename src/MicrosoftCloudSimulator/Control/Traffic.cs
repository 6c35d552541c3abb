using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using MicrosoftCloudSimulator.Graph;
using MicrosoftCloudSimulator.PartnerCenter;
using MicrosoftCloudSimulator.State;

namespace MicrosoftCloudSimulator.Control;

/// <summary>
/// Counts every Graph and Partner Center request by method and route template (for efficiency measurements) and injects
/// the faults set through <c>/_sim/faults</c>, per route or for all (<c>*</c>):
/// <list type="bullet">
/// <item>429 with a <c>Retry-After</c> drawn from the configured choices (Microsoft has been seen to ask for 41 s and 315 s,
/// and to send none: learn.microsoft.com/graph/throttling, "Retry-After ... is not always provided"), and 503;</item>
/// <item>ambiguous writes: the write is applied, then answered 500/504 or the connection is dropped — a lost answer, which
/// Microsoft's cloud produces under load (learn.microsoft.com/graph/best-practices-concept, "Handling expected errors":
/// a 5xx on a POST may or may not have created the object);</item>
/// <item>the same request sent again before its <c>Retry-After</c> has passed (simulated time) is counted as early and
/// throttled again with the time remaining, as Graph keeps throttling a client that ignores <c>Retry-After</c>
/// (learn.microsoft.com/graph/throttling: "If the client retries before the time passes, the request is throttled again").</item>
/// </list>
/// Errors take the shape of the API that answers: Graph's <c>{"error":{…}}</c>, Partner Center's <c>{code, description, …}</c>.
/// </summary>
public sealed class Traffic(CrashPoint crashPoint)
{
    readonly object diceGate = new();
    readonly ConcurrentDictionary<string, DateTimeOffset> notBefore = new();
    Random dice = new(1);
    int diceSeed = 1;

    public ConcurrentDictionary<string, int> Requests { get; } = new();

    public ConcurrentDictionary<string, int> Throttled { get; } = new();

    public ConcurrentDictionary<string, int> ServerErrors { get; } = new();

    /// <summary>Writes applied whose answer was replaced by a 5xx or a dropped connection.</summary>
    public ConcurrentDictionary<string, int> AmbiguousWrites { get; } = new();

    /// <summary>Writes (any method but GET) Microsoft carried out, answered 2xx or not (an ambiguous write is applied too).</summary>
    public ConcurrentDictionary<string, int> Applied { get; } = new();

    /// <summary>Requests sent again before the <c>Retry-After</c> they were given had passed.</summary>
    public ConcurrentDictionary<string, int> EarlyRetries { get; } = new();

    public void Reset()
    {
        this.Requests.Clear();
        this.Throttled.Clear();
        this.ServerErrors.Clear();
        this.AmbiguousWrites.Clear();
        this.Applied.Clear();
        this.EarlyRetries.Clear();
        this.notBefore.Clear();
    }

    /// <summary>The middleware; runs after routing so the route template is known.</summary>
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        string path = http.Request.Path.Value ?? string.Empty;
        if (path.StartsWith("/cert/", StringComparison.Ordinal))
        {
            // Certificate downloads are counted (a receiver should fetch each once) but never faulted: it is blob storage.
            this.Requests.AddOrUpdate($"GET {path}", 1, (_, n) => n + 1);
            await next(http);
            return;
        }

        bool partnerCenter = path.StartsWith("/partnercenter", StringComparison.Ordinal);
        if (!partnerCenter && !path.StartsWith("/v1.0", StringComparison.Ordinal))
        {
            await next(http);
            return;
        }

        string template = http.GetEndpoint() is RouteEndpoint route ? route.RoutePattern.RawText ?? path : "(no route)";
        string key = $"{http.Request.Method} {template}";
        this.Requests.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (await crashPoint.HoldIfArmedAsync(http, key, async () =>
            {
                await next(http);
                this.CountIfApplied(http, key);
            }))
        {
            return;
        }

        SimulatedCloud cloud = http.RequestServices.GetRequiredService<SimulatedCloud>();
        FaultSettings faults = cloud.Locked(c => c.Faults);
        string request = await IdentityOf(http);
        DateTimeOffset now = cloud.Clock.UtcNow;
        if (this.notBefore.TryGetValue(request, out DateTimeOffset allowed) && now < allowed)
        {
            this.EarlyRetries.AddOrUpdate(key, 1, (_, n) => n + 1);
            await Throttle(http, partnerCenter, (int)Math.Ceiling((allowed - now).TotalSeconds));
            return;
        }

        if (this.Roll(faults, faults.ThrottleRates, key))
        {
            this.Throttled.AddOrUpdate(key, 1, (_, n) => n + 1);
            int? retryAfter = this.RetryAfter(faults);
            if (retryAfter is int seconds)
            {
                this.notBefore[request] = now + TimeSpan.FromSeconds(seconds);
            }

            await Throttle(http, partnerCenter, retryAfter);
            return;
        }

        if (this.Roll(faults, faults.ServerErrorRates, key))
        {
            this.ServerErrors.AddOrUpdate(key, 1, (_, n) => n + 1);
            await ErrorOf(partnerCenter, 503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry.", http).ExecuteAsync(http);
            return;
        }

        if (http.Request.Method == HttpMethods.Get)
        {
            await next(http);
            return;
        }

        if (!this.Roll(faults, faults.AmbiguousWriteRates, key))
        {
            await next(http);
            this.CountIfApplied(http, key);
            return;
        }

        // The write runs in full; only its answer is lost.
        Stream client = http.Response.Body;
        using MemoryStream discarded = new();
        http.Response.Body = discarded;
        await next(http);
        http.Response.Body = client;
        if (http.Response.StatusCode is < 200 or >= 300)
        {
            discarded.Position = 0;
            await discarded.CopyToAsync(client);
            return;
        }

        this.CountIfApplied(http, key);
        this.AmbiguousWrites.AddOrUpdate(key, 1, (_, n) => n + 1);
        int how = this.Next(3);
        if (how == 0)
        {
            http.Abort();
            return;
        }

        http.Response.Clear();
        await ErrorOf(partnerCenter, how == 1 ? 500 : 504, how == 1 ? "InternalServerError" : "GatewayTimeout", "The operation timed out.", http).ExecuteAsync(http);
    }

    void CountIfApplied(HttpContext http, string key)
    {
        if (http.Response.StatusCode is >= 200 and < 300)
        {
            this.Applied.AddOrUpdate(key, 1, (_, n) => n + 1);
        }
    }

    /// <summary>
    /// What makes two requests "the same request": the caller (tenant, and user or app, from the token: Graph counts its
    /// limits per app and tenant, learn.microsoft.com/graph/throttling-limits), method, path, query and body.
    /// </summary>
    static async Task<string> IdentityOf(HttpContext http)
    {
        http.Request.EnableBuffering();
        byte[] hash = await SHA256.HashDataAsync(http.Request.Body);
        http.Request.Body.Position = 0;
        return $"{CallerOf(http)} {http.Request.Method} {http.Request.Path}{http.Request.QueryString} {Convert.ToHexString(hash)}";
    }

    /// <summary>The token's tenant and subject, read without validation (the endpoint validates it); empty without one.</summary>
    static string CallerOf(HttpContext http)
    {
        string? header = http.Request.Headers.Authorization;
        string[] parts = header is { Length: > 7 } ? header[7..].Split('.') : [];
        if (parts.Length != 3)
        {
            return string.Empty;
        }

        try
        {
            string payload = parts[1].Replace('-', '+').Replace('_', '/');
            using JsonDocument claims = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
            string Claim(string name) => claims.RootElement.TryGetProperty(name, out JsonElement value) ? value.ToString() : string.Empty;
            return $"{Claim("tid")}/{Claim("oid")}/{Claim("appid")}";
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return string.Empty;
        }
    }

    static async Task Throttle(HttpContext http, bool partnerCenter, int? retryAfterSeconds)
    {
        if (retryAfterSeconds is int seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await ErrorOf(partnerCenter, 429, "TooManyRequests", "Please retry again later.", http).ExecuteAsync(http);
    }

    /// <summary>Partner Center errors are <c>{code, description, errorName, data}</c> for 429 and 5xx too (learn.microsoft.com/partner-center/developer/error-codes).</summary>
    static IResult ErrorOf(bool partnerCenter, int status, string code, string message, HttpContext http) => partnerCenter
        ? PartnerCenterEndpoints.Error(status, status, code, message)
        : GraphProtocol.Error(status, code, message, http);

    /// <summary>The <c>Retry-After</c> of one 429: a draw from the choices (0 = none sent), else the fixed value.</summary>
    int? RetryAfter(FaultSettings faults)
    {
        if (faults.RetryAfterChoices is not { Count: > 0 } choices)
        {
            return faults.RetryAfterSeconds;
        }

        int chosen = choices[this.Next(choices.Count)];
        return chosen > 0 ? chosen : null;
    }

    int Next(int bound)
    {
        lock (this.diceGate)
        {
            return this.dice.Next(bound);
        }
    }

    bool Roll(FaultSettings faults, Dictionary<string, double> rates, string key)
    {
        double rate = rates.TryGetValue(key, out double exact) ? exact : rates.GetValueOrDefault("*");
        if (rate <= 0)
        {
            return false;
        }

        lock (this.diceGate)
        {
            if (faults.RandomSeed != this.diceSeed)
            {
                this.diceSeed = faults.RandomSeed;
                this.dice = new Random(faults.RandomSeed);
            }

            return this.dice.NextDouble() < rate;
        }
    }
}
