namespace MicrosoftCloudSimulator.Hosting;

/// <summary>The simulated cloud's time: the real clock plus an offset a test can move forward (90-day expiry in a second).</summary>
public sealed class SimulatedClock(TimeProvider real)
{
    long offsetTicks;

    /// <summary>Simulated now.</summary>
    public DateTimeOffset UtcNow => real.GetUtcNow() + this.Offset;

    /// <summary>How far simulated time is ahead of real time.</summary>
    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref this.offsetTicks));

    /// <summary>Moves simulated time forward.</summary>
    /// <param name="by">How far; never backwards.</param>
    public void Advance(TimeSpan by)
    {
        if (by < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(by), "Simulated time only moves forward.");
        }

        Interlocked.Add(ref this.offsetTicks, by.Ticks);
    }
}
