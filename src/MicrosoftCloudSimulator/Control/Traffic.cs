using System.Collections.Concurrent;
using MicrosoftCloudSimulator.Graph;
using MicrosoftCloudSimulator.State;

namespace MicrosoftCloudSimulator.Control;

/// <summary>
/// Counts every Graph and Partner Center request by method and route template (for efficiency measurements) and injects
/// the faults set through <c>/_sim/faults</c>: 429 with <c>Retry-After</c> and 503, per route or for all (<c>*</c>).
/// </summary>
public sealed class Traffic
{
    readonly object diceGate = new();
    Random dice = new(1);
    int diceSeed = 1;

    public ConcurrentDictionary<string, int> Requests { get; } = new();

    public ConcurrentDictionary<string, int> Throttled { get; } = new();

    public ConcurrentDictionary<string, int> ServerErrors { get; } = new();

    public void Reset()
    {
        this.Requests.Clear();
        this.Throttled.Clear();
        this.ServerErrors.Clear();
    }

    /// <summary>The middleware; runs after routing so the route template is known.</summary>
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        string path = http.Request.Path.Value ?? string.Empty;
        bool api = path.StartsWith("/v1.0", StringComparison.Ordinal) || path.StartsWith("/partnercenter", StringComparison.Ordinal);
        if (!api)
        {
            await next(http);
            return;
        }

        string template = http.GetEndpoint() is RouteEndpoint route ? route.RoutePattern.RawText ?? path : "(no route)";
        string key = $"{http.Request.Method} {template}";
        this.Requests.AddOrUpdate(key, 1, (_, n) => n + 1);

        FaultSettings faults = http.RequestServices.GetRequiredService<SimulatedCloud>().Locked(c => c.Faults);
        if (this.Roll(faults, faults.ThrottleRates, key))
        {
            this.Throttled.AddOrUpdate(key, 1, (_, n) => n + 1);
            http.Response.Headers.RetryAfter = faults.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await GraphProtocol.Error(429, "TooManyRequests", "Please retry again later.", http).ExecuteAsync(http);
            return;
        }

        if (this.Roll(faults, faults.ServerErrorRates, key))
        {
            this.ServerErrors.AddOrUpdate(key, 1, (_, n) => n + 1);
            await GraphProtocol.Error(503, "serviceNotAvailable", "The service is temporarily unavailable. Please retry.", http).ExecuteAsync(http);
            return;
        }

        await next(http);
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
