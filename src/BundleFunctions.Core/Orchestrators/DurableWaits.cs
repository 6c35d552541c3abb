using Microsoft.DurableTask;

namespace BundleFunctions.Orchestrators;

/// <summary>An external event a durable wait listens for, with the payload type it arrives as.</summary>
internal sealed class AwaitedEvent
{
    readonly Func<TaskOrchestrationContext, CancellationToken, Task> listen;
    readonly Func<Task, object?> payloadOf;

    AwaitedEvent(string name, Func<TaskOrchestrationContext, CancellationToken, Task> listen, Func<Task, object?> payloadOf)
    {
        this.Name = name;
        this.listen = listen;
        this.payloadOf = payloadOf;
    }

    /// <summary>The event's name (case-insensitive in Durable Task).</summary>
    public string Name { get; }

    /// <summary>An event whose payload is a <typeparamref name="T"/>.</summary>
    public static AwaitedEvent Of<T>(string name) =>
        new(name, (context, cancel) => context.WaitForExternalEvent<T>(name, cancel), received => ((Task<T>)received).Result);

    internal Task Listen(TaskOrchestrationContext context, CancellationToken cancel) => this.listen(context, cancel);

    internal object? PayloadOf(Task received) => this.payloadOf(received);
}

/// <summary>What ended a durable wait: one of the awaited events (with its payload), or the deadline.</summary>
/// <param name="Event">The event that came first; <see langword="null"/> when the deadline did.</param>
/// <param name="Payload">The event's payload.</param>
internal sealed record Wakeup(AwaitedEvent? Event, object? Payload)
{
    /// <summary>The deadline came before any event.</summary>
    public bool AtDeadline => this.Event is null;

    /// <summary>Whether <paramref name="awaited"/> ended the wait.</summary>
    public bool Is(AwaitedEvent awaited) => ReferenceEquals(this.Event, awaited);

    /// <summary>The payload, as the awaited event's type.</summary>
    public T PayloadAs<T>() => (T)(this.Payload ?? throw new InvalidOperationException($"The wait ended at its deadline, not on an event."));
}

/// <summary>
/// The one way an orchestration waits for people and for time: the first of several external events or a durable timer,
/// after which the others stop listening, so an event that comes later waits for the next listener instead of being lost.
/// </summary>
internal static class DurableWaits
{
    /// <summary>Waits for the first of <paramref name="events"/> or <paramref name="deadline"/>, whichever comes first.</summary>
    public static async Task<Wakeup> WhenFirstAsync(this TaskOrchestrationContext context, DateTime deadline, params IReadOnlyList<AwaitedEvent> events)
    {
        using CancellationTokenSource stopListening = new();
        Task timer = context.CreateTimer(deadline, stopListening.Token);
        Task[] listeners = [.. events.Select(e => e.Listen(context, stopListening.Token))];
        Task first = await Task.WhenAny([.. listeners, timer]);
        stopListening.Cancel();
        int index = Array.IndexOf(listeners, first);
        return index < 0 ? new Wakeup(null, null) : new Wakeup(events[index], events[index].PayloadOf(first));
    }
}
