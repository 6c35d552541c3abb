using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using BundleFunctions.Ports;
using Microsoft.Graph.Models.ODataErrors;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// The one place that says how calls to the Microsoft cloud are retried.
/// <list type="bullet">
/// <item>429 and 503: wait what <c>Retry-After</c> says (or back off when it says nothing), then resend: Microsoft did not
/// process the request. A wait longer than <see cref="MaxWait"/>, or throttling that outlasts the attempts, is not waited
/// out in the activity: a <see cref="MicrosoftBusyException"/> hands it to the orchestration, which sleeps on a durable
/// timer. Either way no request is resent before its <c>Retry-After</c>.</item>
/// <item>500, 502, 504, timeouts, dropped connections: back off with jitter and resend, but only idempotent requests
/// (a POST might have been processed; the activity's find-or-create decides on its next attempt instead).</item>
/// <item>Any other 4xx: never resent. Adapters turn it into a <see cref="StepFailedException"/> with Microsoft's words.</item>
/// <item>Directory replication: right after a create, a 404 on the new object is waited out (<see cref="UntilReplicatedAsync{T}"/>).</item>
/// </list>
/// </summary>
public sealed class MicrosoftCloudResilience
{
    // Request → when Microsoft allows it again. Shared by every call through this policy: a Retry-After given to one
    // activity holds for the same request sent by another one at the same moment (20 onboardings ask the same things).
    readonly ConcurrentDictionary<string, DateTimeOffset> notBefore = new();

    /// <summary>Production defaults.</summary>
    public static MicrosoftCloudResilience Default { get; } = new();

    /// <summary>
    /// Microsoft's clock: <c>Retry-After</c> holds and every wait inside an activity run on it. The system clock in
    /// production; a test against a simulator whose clock runs faster passes one that runs as fast.
    /// </summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Attempts per HTTP request, the first included.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The first back-off; doubles each time, with up to 50 % jitter.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait held inside an activity; a longer <c>Retry-After</c> becomes a durable wait of the orchestration.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Added to every <c>Retry-After</c>: timers fire at millisecond granularity and Microsoft counts from when it answered,
    /// so a resend timed to the exact second can land a hair early — and an early resend is throttled again.
    /// </summary>
    public TimeSpan RetryAfterMargin { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long a freshly created object may stay invisible before we give up on it.</summary>
    public TimeSpan ReplicationBudget { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1 when the server did not say.</summary>
    public TimeSpan Backoff(int attempt)
    {
        double baseMs = Math.Min(this.FirstBackoff.TotalMilliseconds * Math.Pow(2, attempt - 1), this.MaxWait.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(baseMs * (1 + (Random.Shared.NextDouble() * 0.5)));
    }

    /// <summary>Whether a response is worth resending, and after how long.</summary>
    /// <exception cref="MicrosoftBusyException">Microsoft asked for a longer wait than an activity holds, or kept throttling.</exception>
    public (bool Retry, TimeSpan Wait) Assess(HttpRequestMessage request, HttpResponseMessage response, int attempt)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        bool throttled = response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable;
        bool failed = response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;
        if (!(throttled || (failed && IsIdempotent(request.Method))))
        {
            return (false, TimeSpan.Zero);
        }

        TimeSpan? said = response.Headers.RetryAfter switch
        {
            { Delta: TimeSpan delta } => delta,
            { Date: DateTimeOffset date } => date - this.Time.GetUtcNow(),
            _ => null,
        };
        TimeSpan wait = said is TimeSpan s && s > TimeSpan.Zero ? s : this.Backoff(attempt);
        if (throttled && (wait > this.MaxWait || attempt >= this.MaxAttempts))
        {
            throw new MicrosoftBusyException(wait, $"{request.Method} {request.RequestUri?.AbsolutePath}");
        }

        return attempt >= this.MaxAttempts ? (false, TimeSpan.Zero) : (true, said is null ? wait : wait + this.RetryAfterMargin);
    }

    /// <summary>What makes two requests the same request for Microsoft's <c>Retry-After</c>: method, address and body.</summary>
    public static string IdentityOf(HttpRequestMessage request, byte[]? body)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{request.Method} {request.RequestUri} {(body is null ? string.Empty : Convert.ToHexString(SHA256.HashData(body)))}";
    }

    /// <summary>How long <paramref name="request"/> must still wait for a <c>Retry-After</c> Microsoft gave it (zero when none).</summary>
    public TimeSpan HeldFor(string request) =>
        this.notBefore.TryGetValue(request, out DateTimeOffset until) && until - this.Time.GetUtcNow() is { Ticks: > 0 } left ? left : TimeSpan.Zero;

    /// <summary>Remembers the <c>Retry-After</c> of a throttled answer, for every sender of the same request.</summary>
    public void Hold(string request, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter?.Delta is TimeSpan said)
        {
            DateTimeOffset now = this.Time.GetUtcNow();
            this.notBefore[request] = now + said + this.RetryAfterMargin;
            if (this.notBefore.Count > 10_000)
            {
                foreach (KeyValuePair<string, DateTimeOffset> passed in this.notBefore.Where(p => p.Value < now))
                {
                    this.notBefore.TryRemove(passed);
                }
            }
        }
    }

    /// <summary>Whether a transport failure (no response) is worth resending.</summary>
    public bool ShouldRetryTransport(HttpRequestMessage request, int attempt) =>
        attempt < this.MaxAttempts && IsIdempotent(request.Method);

    /// <summary>
    /// Runs <paramref name="action"/> until the object it touches is visible: a 404 (or Graph's "access container does not
    /// exist") right after a create is directory replication, not a missing object. Other failures pass through.
    /// </summary>
    public async Task<T> UntilReplicatedAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(action);
        DateTime giveUp = DateTime.UtcNow + this.ReplicationBudget;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (ODataError error) when (IsReplicationLag(error) && DateTime.UtcNow < giveUp)
            {
                await Task.Delay(this.Backoff(attempt), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Reads until Microsoft has finished a change it completes on its own a little later (e.g. a lock request), within
    /// <see cref="ReplicationBudget"/>; past it, a transient failure saying <paramref name="stillPending"/>, for the activity's retry.
    /// </summary>
    public async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> finished, string stillPending, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(finished);
        DateTime giveUp = DateTime.UtcNow + this.ReplicationBudget;
        for (int attempt = 1; ; attempt++)
        {
            T seen = await read();
            if (finished(seen))
            {
                return seen;
            }

            if (DateTime.UtcNow >= giveUp)
            {
                throw new TimeoutException(stillPending);
            }

            await Task.Delay(this.Backoff(attempt), cancellationToken);
        }
    }

    static bool IsReplicationLag(ODataError error) =>
        error.ResponseStatusCode == 404
        || (error.ResponseStatusCode == 400 && error.Error?.Message?.Contains("access container does not exist", StringComparison.OrdinalIgnoreCase) == true);

    static bool IsIdempotent(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Options;
}

/// <summary>Applies <see cref="MicrosoftCloudResilience"/> to every request of a client (Graph, Partner Center, token), and reports each attempt.</summary>
/// <param name="policy">The policy.</param>
/// <param name="telemetry">Logs and metrics of each attempt.</param>
public sealed class ResilienceHandler(MicrosoftCloudResilience policy, MicrosoftCallTelemetry telemetry) : DelegatingHandler
{
    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // A request can be sent once only: keep the body so each attempt sends a copy.
        byte[]? body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        string identity = MicrosoftCloudResilience.IdentityOf(request, body);
        for (int attempt = 1; ; attempt++)
        {
            if (policy.HeldFor(identity) is { Ticks: > 0 } held)
            {
                // The same request was just throttled for another caller: its Retry-After holds here too.
                if (held > policy.MaxWait)
                {
                    telemetry.HandedOver(request, held);
                    throw new MicrosoftBusyException(held, $"{request.Method} {request.RequestUri?.AbsolutePath}");
                }

                await Task.Delay(held, policy.Time, cancellationToken);
            }

            using HttpRequestMessage copy = Copy(request, body);
            HttpResponseMessage response;
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                response = await base.SendAsync(copy, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                telemetry.NoAnswer(request, e, attempt);
                if (!policy.ShouldRetryTransport(request, attempt))
                {
                    throw;
                }

                TimeSpan backoff = policy.Backoff(attempt);
                telemetry.Retrying(request, backoff, retryAfterGiven: false, attempt);
                await Task.Delay(backoff, policy.Time, cancellationToken);
                continue;
            }

            telemetry.Answered(request, response, System.Diagnostics.Stopwatch.GetElapsedTime(started), attempt);
            policy.Hold(identity, response);
            bool retry;
            TimeSpan wait;
            try
            {
                (retry, wait) = policy.Assess(request, response, attempt);
            }
            catch (MicrosoftBusyException busy)
            {
                telemetry.HandedOver(request, busy.RetryAfter);
                throw;
            }

            if (!retry)
            {
                return response;
            }

            telemetry.Retrying(request, wait, response.Headers.RetryAfter is not null, attempt);
            response.Dispose();
            await Task.Delay(wait, policy.Time, cancellationToken);
        }
    }

    static HttpRequestMessage Copy(HttpRequestMessage request, byte[]? body)
    {
        HttpRequestMessage copy = new(request.Method, request.RequestUri) { Version = request.Version, VersionPolicy = request.VersionPolicy };
        foreach (KeyValuePair<string, IEnumerable<string>> header in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        foreach (KeyValuePair<string, object?> option in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[option.Key] = option.Value;
        }

        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (KeyValuePair<string, IEnumerable<string>> header in request.Content!.Headers)
            {
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        return copy;
    }
}
