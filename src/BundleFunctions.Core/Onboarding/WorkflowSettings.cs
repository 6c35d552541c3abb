namespace BundleFunctions.Onboarding;

/// <summary>
/// Everything an onboarding orchestration needs to decide timing and naming. It travels in the orchestration input,
/// so it must never hold a secret, and it is fixed for the life of an instance (replays see the same values).
/// Every delay is here so that tests run the real workflow in seconds.
/// </summary>
/// <param name="GroupPrefix">Prefix of the partner groups: <c>{prefix} GDAP-{Role}</c>.</param>
/// <param name="ApprovalDeadline">How long the customer has to approve; Microsoft expires requests after 90 days.</param>
/// <param name="OperatorDecisionTimeout">How long a failed onboarding waits for an operator's retry or cancel before it ends failed.</param>
/// <param name="ActivityRetry">How transient failures of one call are retried.</param>
public sealed record WorkflowSettings(
    string GroupPrefix,
    TimeSpan ApprovalDeadline,
    TimeSpan OperatorDecisionTimeout,
    ActivityRetrySettings ActivityRetry)
{
    /// <summary>Production defaults.</summary>
    public static WorkflowSettings Default { get; } = new(
        GroupPrefix: Gdap.PartnerGroupName.DefaultPrefix,
        ApprovalDeadline: TimeSpan.FromDays(90),
        OperatorDecisionTimeout: TimeSpan.FromDays(30),
        ActivityRetry: ActivityRetrySettings.Default);
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
}
