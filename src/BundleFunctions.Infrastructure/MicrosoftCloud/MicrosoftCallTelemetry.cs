using System.Diagnostics.Metrics;
using System.Net;
using System.Text.RegularExpressions;
using BundleFunctions.Telemetry;
using Microsoft.Extensions.Logging;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// What an engineer sees of each call to Microsoft: a log line per answer (service, method, route, status, time, attempt)
/// and per retry or hand-over to the orchestration (with the <c>Retry-After</c>), and the <see cref="BundleMeter"/>
/// metrics by route and status. Routes are templates (ids become <c>{id}</c>); bodies, query strings and headers —
/// where tokens and secrets travel — are never logged.
/// </summary>
public sealed partial class MicrosoftCallTelemetry
{
    readonly ILogger logger;
    readonly Counter<long> requests;
    readonly Histogram<double> duration;
    readonly Counter<long> throttled;

    /// <summary>Initializes a new instance of the <see cref="MicrosoftCallTelemetry"/> class.</summary>
    /// <param name="loggers">The host's loggers.</param>
    /// <param name="meters">The host's meter factory.</param>
    public MicrosoftCallTelemetry(ILoggerFactory loggers, IMeterFactory meters)
        : this(loggers?.CreateLogger("BundleFunctions.MicrosoftCloud") ?? throw new ArgumentNullException(nameof(loggers)), (meters ?? throw new ArgumentNullException(nameof(meters))).Create(BundleMeter.Name))
    {
    }

    MicrosoftCallTelemetry(ILogger logger, Meter meter)
    {
        this.logger = logger;
        this.requests = meter.CreateCounter<long>(BundleMeter.MicrosoftRequests, "{request}", "Answers from Microsoft, every attempt, by service, route, method and status.");
        this.duration = meter.CreateHistogram<double>(BundleMeter.MicrosoftRequestDuration, "s", "How long Microsoft took to answer, by service, route and method.");
        this.throttled = meter.CreateCounter<long>(BundleMeter.MicrosoftThrottled, "{request}", "429 and 503 answers from Microsoft, by service and route.");
    }

    /// <summary>Nobody listens: for tools and tests that only need a connection's handler.</summary>
    public static MicrosoftCallTelemetry Unobserved { get; } = new(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, new Meter(BundleMeter.Name + ".Unobserved"));

    /// <summary>Microsoft answered one attempt.</summary>
    public void Answered(HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed, int attempt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        (string service, string route) = Describe(request);
        int status = (int)response.StatusCode;
        this.requests.Add(1, new("service", service), new("route", route), new("method", request.Method.Method), new("status", status));
        this.duration.Record(elapsed.TotalSeconds, new("service", service), new("route", route), new("method", request.Method.Method));
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable)
        {
            this.throttled.Add(1, new("service", service), new("route", route), new("retry_after_given", response.Headers.RetryAfter is not null));
        }

        LogLevel level = status >= 400 ? LogLevel.Warning : LogLevel.Debug;
        this.logger.Log(level, "Microsoft {Service} {Method} {Route} answered {Status} in {ElapsedMs:0} ms (attempt {Attempt}).", service, request.Method.Method, route, status, elapsed.TotalMilliseconds, attempt);
    }

    /// <summary>An attempt got no answer (connection dropped, timed out).</summary>
    public void NoAnswer(HttpRequestMessage request, Exception failure, int attempt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(failure);
        (string service, string route) = Describe(request);
        this.requests.Add(1, new("service", service), new("route", route), new("method", request.Method.Method), new("status", 0));
        this.logger.LogWarning("Microsoft {Service} {Method} {Route} gave no answer (attempt {Attempt}): {Failure}", service, request.Method.Method, route, attempt, failure.GetType().Name);
    }

    /// <summary>The request is sent again after <paramref name="wait"/>.</summary>
    public void Retrying(HttpRequestMessage request, TimeSpan wait, bool retryAfterGiven, int attempt)
    {
        ArgumentNullException.ThrowIfNull(request);
        (string service, string route) = Describe(request);
        this.logger.LogInformation(
            "Microsoft {Service} {Method} {Route}: sending again in {WaitSeconds:0.###} s ({WaitSource}), attempt {Attempt}.",
            service, request.Method.Method, route, wait.TotalSeconds, retryAfterGiven ? "Retry-After" : "back-off", attempt + 1);
    }

    /// <summary>Microsoft asked for a longer wait than an activity holds: the orchestration sleeps it on a durable timer.</summary>
    public void HandedOver(HttpRequestMessage request, TimeSpan retryAfter)
    {
        ArgumentNullException.ThrowIfNull(request);
        (string service, string route) = Describe(request);
        this.logger.LogWarning(
            "Microsoft {Service} {Method} {Route} asked to wait {RetryAfterSeconds:0} s: the orchestration waits it out on a durable timer.",
            service, request.Method.Method, route, retryAfter.TotalSeconds);
    }

    /// <summary>Which Microsoft service a request goes to, and its route with ids replaced by <c>{id}</c>.</summary>
    public static (string Service, string Route) Describe(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string path = request.RequestUri?.AbsolutePath ?? "/";
        string host = request.RequestUri?.Host ?? string.Empty;
        string service = path.Contains("/oauth2/", StringComparison.OrdinalIgnoreCase) || host.StartsWith("login.", StringComparison.OrdinalIgnoreCase) ? "login"
            : host.StartsWith("graph.", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/v1.0/", StringComparison.OrdinalIgnoreCase) || path.StartsWith("/beta/", StringComparison.OrdinalIgnoreCase) ? "graph"
            : "partnercenter";
        return (service, string.Join('/', path.Split('/').Select(s => Identifier().IsMatch(s) ? "{id}" : s)));
    }

    // A GUID, a relationship id (two GUIDs joined), a number, or a tenant's domain: anything that names one object.
    [GeneratedRegex(@"^([0-9a-fA-F]{8}-[0-9a-fA-F-]{27,}|\d+|[^.]+\.onmicrosoft\.com)$")]
    private static partial Regex Identifier();
}
