using BundleFunctions.Infrastructure.Events;

namespace BundleFunctions.LocalHost.Events;

/// <summary>Publishes the outbox every second on the LocalHost (the Functions app does it on a timer trigger).</summary>
/// <param name="dispatcher">The outbox dispatcher.</param>
/// <param name="log">Where a stopped round is reported.</param>
public sealed class OutboxPump(OutboxDispatcher dispatcher, ILogger<OutboxPump> log) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using PeriodicTimer timer = new(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            (_, Exception? stoppedBy) = await dispatcher.DispatchAsync(stoppingToken);
            if (stoppedBy is not null)
            {
                log.LogWarning(stoppedBy, "Publishing the outbox stopped; the events stay in the outbox for the next round.");
            }
        }
    }
}
