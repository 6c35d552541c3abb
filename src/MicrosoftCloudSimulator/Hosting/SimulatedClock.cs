namespace MicrosoftCloudSimulator.Hosting;

/// <summary>
/// The simulated cloud's time: the real clock running <see cref="Rate"/> times as fast since the simulator started, plus
/// an offset a test can move forward (90-day expiry in a second). At a rate of 3600 an hour of Microsoft's time passes
/// in a real second, so a test can wait out Microsoft's documented upper bounds (24 hours to activate) in seconds, while
/// the product runs its production timings scaled by the same factor.
/// </summary>
public sealed class SimulatedClock
{
    readonly TimeProvider real;
    readonly DateTimeOffset start;
    long offsetTicks;

    /// <summary>Initializes a new instance of the <see cref="SimulatedClock"/> class.</summary>
    /// <param name="real">The real clock.</param>
    /// <param name="options">Where the rate comes from.</param>
    public SimulatedClock(TimeProvider real, SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.ClockRate is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ClockRate, "Simulator:ClockRate must be from 1 to 100000.");
        }

        this.real = real;
        this.start = real.GetUtcNow();
        this.Rate = options.ClockRate;
    }

    /// <summary>Simulated seconds per real second.</summary>
    public double Rate { get; }

    /// <summary>Simulated now.</summary>
    public DateTimeOffset UtcNow => this.start + ((this.real.GetUtcNow() - this.start) * this.Rate) + this.Offset;

    /// <summary>How far simulated time is ahead of real time (the rate's share included).</summary>
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
