namespace BundleFunctions.Integration.Tests.Onboarding;

/// <summary>
/// A clock that runs <paramref name="rate"/> times as fast as real time, as the simulator's does with the same
/// <c>ClockRate</c>: what the production resilience policy waits on when Microsoft's time is simulated.
/// </summary>
/// <param name="rate">Simulated seconds per real second.</param>
public sealed class FastClock(double rate) : TimeProvider
{
    readonly DateTimeOffset start = System.GetUtcNow();

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => this.start + ((System.GetUtcNow() - this.start) * rate);

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, this.Scale(dueTime), this.Scale(period));

    TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / rate;
}
