using Microsoft.DurableTask;

namespace BundleFunctions.Onboarding;

/// <summary>
/// Everything an onboarding orchestration needs to decide timing and naming. It travels in the orchestration input,
/// so it must never hold a secret, and it is fixed for the life of an instance (replays see the same values).
/// Every delay is here so that tests run the real workflow in seconds.
/// </summary>
/// <param name="GroupPrefix">Prefix of the partner groups: <c>{prefix} GDAP-{Role}</c>.</param>
/// <param name="Approval">Polling for the customer's approval (the safety net behind the webhook); its timeout is the 90-day request expiry.</param>
/// <param name="Activation">Waiting for an approved relationship to become active (Microsoft: a few minutes to 24 hours).</param>
/// <param name="Assignments">Waiting for access assignments to leave <c>pending</c> (Microsoft: about 30 seconds, sometimes hours).</param>
/// <param name="Consent">Retrying consent while the service account's GDAP roles propagate into the customer (up to an hour, more at times).</param>
/// <param name="Verification">Rechecking API access into the customer tenant (Microsoft propagation takes up to 48 hours).</param>
/// <param name="OperatorDecisionTimeout">How long a failed onboarding waits for an operator's retry or cancel before it ends failed.</param>
/// <param name="ActivityRetry">How transient failures of one call are retried.</param>
/// <param name="TimeScale">
/// Real seconds per second of Microsoft's time, applied to every durable wait (timeouts, polls, Retry-After). 1 in
/// production. A test against the simulator running its clock N times as fast sets 1/N, so the production timings
/// meet Microsoft's documented delays in seconds; messages still name the unscaled durations.
/// </param>
public sealed record WorkflowSettings(
    string GroupPrefix,
    Polling Approval,
    Polling Activation,
    Polling Assignments,
    Polling Consent,
    Polling Verification,
    TimeSpan OperatorDecisionTimeout,
    ActivityRetrySettings ActivityRetry,
    double TimeScale = 1)
{
    /// <summary>Production defaults: every wait at or beyond Microsoft's documented upper bound.</summary>
    public static WorkflowSettings Default { get; } = new(
        GroupPrefix: Gdap.PartnerGroupName.DefaultPrefix,
        Approval: new Polling(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30), TimeSpan.FromDays(90)),
        Activation: new Polling(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(30), TimeSpan.FromHours(30)), // 24 h documented, and a margin
        Assignments: new Polling(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15), TimeSpan.FromHours(24)),
        Consent: new Polling(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(15), TimeSpan.FromHours(24)),
        Verification: new Polling(TimeSpan.FromMinutes(1), TimeSpan.FromHours(1), TimeSpan.FromHours(48)),
        OperatorDecisionTimeout: TimeSpan.FromDays(30),
        ActivityRetry: ActivityRetrySettings.Default);

    /// <summary>A duration of Microsoft's time as the real time the orchestration waits for it.</summary>
    /// <param name="microsoftTime">The duration.</param>
    /// <returns>It times <see cref="TimeScale"/>.</returns>
    public TimeSpan Scaled(TimeSpan microsoftTime) => microsoftTime * this.TimeScale;
}

/// <summary>A bounded poll with exponential back-off: <paramref name="First"/>, doubling up to <paramref name="Max"/>, for at most <paramref name="Timeout"/>.</summary>
/// <param name="First">The first wait.</param>
/// <param name="Max">The longest wait.</param>
/// <param name="Timeout">When to give up.</param>
public sealed record Polling(TimeSpan First, TimeSpan Max, TimeSpan Timeout)
{
    /// <summary>The wait after one of <paramref name="current"/>.</summary>
    /// <param name="current">The last wait.</param>
    /// <returns>Twice as long, at most <see cref="Max"/>.</returns>
    public TimeSpan After(TimeSpan current) => current * 2 < this.Max ? current * 2 : this.Max;
}

/// <summary>Retry of one activity call on transient failures (throttling, 5xx, timeouts).</summary>
/// <param name="MaxAttempts">Attempts in all, the first included.</param>
/// <param name="FirstRetryInterval">The wait before the second attempt.</param>
/// <param name="BackoffCoefficient">Each wait is this many times the previous one.</param>
/// <param name="MaxRetryInterval">The longest single wait.</param>
public sealed record ActivityRetrySettings(int MaxAttempts, TimeSpan FirstRetryInterval, double BackoffCoefficient, TimeSpan MaxRetryInterval)
{
    /// <summary>Production defaults: 6 attempts over about 5 minutes.</summary>
    public static ActivityRetrySettings Default { get; } = new(6, TimeSpan.FromSeconds(10), 2, TimeSpan.FromMinutes(2));

    /// <summary>Durable Task's options for an activity call retried so.</summary>
    /// <param name="retryWhen">Which failures are worth another attempt; every one when omitted.</param>
    /// <returns>The options to pass with each call.</returns>
    public TaskOptions ToTaskOptions(Func<TaskFailureDetails, bool>? retryWhen = null) =>
        TaskOptions.FromRetryPolicy(new RetryPolicy(this.MaxAttempts, this.FirstRetryInterval, this.BackoffCoefficient, this.MaxRetryInterval)
        {
            HandleFailure = retryWhen ?? (_ => true),
        });
}
