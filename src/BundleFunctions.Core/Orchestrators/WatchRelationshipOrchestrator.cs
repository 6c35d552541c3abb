using BundleFunctions.Activities;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// The safety net behind the Partner Center webhook: polls a relationship with back-off (e.g. 1 min doubling to 30 min)
/// until it is active, dead, or the deadline passes. One poll per execution: <c>ContinueAsNew</c> keeps the history small
/// however long the customer takes. The parent stops it with <see cref="StopEvent"/> when the webhook wins the race.
/// </summary>
public sealed class WatchRelationshipOrchestrator : TaskOrchestrator<RelationshipWatch, RelationshipWatchResult>
{
    /// <summary>The event that stops the watch.</summary>
    public const string StopEvent = "StopWatching";

    /// <inheritdoc />
    public override async Task<RelationshipWatchResult> RunAsync(TaskOrchestrationContext context, RelationshipWatch input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        RelationshipSnapshot? seen = await context.CallActivityAsync<RelationshipSnapshot?>(
            nameof(GetRelationshipActivity), input.RelationshipId, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(5), 2)));
        RelationshipStatus status = seen?.Status ?? RelationshipStatus.Terminated;
        if (status is RelationshipStatus.Active or RelationshipStatus.Expired or RelationshipStatus.Expiring or RelationshipStatus.Terminated
            or RelationshipStatus.Terminating or RelationshipStatus.TerminationRequested)
        {
            return new RelationshipWatchResult(status, input.Polls + 1);
        }

        if (context.CurrentUtcDateTime >= input.DeadlineUtc)
        {
            return new RelationshipWatchResult(status, input.Polls + 1, TimedOut: true);
        }

        DateTime next = context.CurrentUtcDateTime + input.Interval < input.DeadlineUtc ? context.CurrentUtcDateTime + input.Interval : input.DeadlineUtc;
        using CancellationTokenSource cancelTimer = new();
        Task<bool> stop = context.WaitForExternalEvent<bool>(StopEvent, cancelTimer.Token);
        Task timer = context.CreateTimer(next, cancelTimer.Token);
        Task winner = await Task.WhenAny(stop, timer);
        cancelTimer.Cancel();
        if (winner == stop)
        {
            return new RelationshipWatchResult(status, input.Polls + 1, Stopped: true);
        }

        context.ContinueAsNew(input with { Interval = input.Backoff.After(input.Interval), Polls = input.Polls + 1 });
        return new RelationshipWatchResult(status, input.Polls + 1);
    }
}

/// <summary>Input of <see cref="WatchRelationshipOrchestrator"/>.</summary>
/// <param name="RelationshipId">The relationship.</param>
/// <param name="Interval">The next wait.</param>
/// <param name="Backoff">How the wait grows.</param>
/// <param name="DeadlineUtc">When to give up.</param>
/// <param name="Polls">Polls so far.</param>
public sealed record RelationshipWatch(string RelationshipId, TimeSpan Interval, Onboarding.Polling Backoff, DateTime DeadlineUtc, int Polls = 0);

/// <summary>How a watch ended.</summary>
/// <param name="Status">The last status seen.</param>
/// <param name="Polls">Polls made.</param>
/// <param name="TimedOut">The deadline passed first.</param>
/// <param name="Stopped">The parent stopped it.</param>
public sealed record RelationshipWatchResult(RelationshipStatus Status, int Polls, bool TimedOut = false, bool Stopped = false);
