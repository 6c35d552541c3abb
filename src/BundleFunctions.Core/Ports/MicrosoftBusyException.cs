using System.Globalization;
using System.Text.RegularExpressions;

namespace BundleFunctions.Ports;

/// <summary>
/// Microsoft asked us to wait (429 or 503 with <c>Retry-After</c>) longer than is worth holding an activity for, or kept
/// throttling until the in-activity attempts ran out. The orchestration waits the asked time on a durable timer and then
/// calls the activity again: no request is sent before <c>Retry-After</c>, however long it is. Sealed and recognized by
/// exact type name, like <see cref="StepFailedException"/>; the wait travels in the message, which is all a task failure keeps.
/// </summary>
public sealed partial class MicrosoftBusyException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="MicrosoftBusyException"/> class.</summary>
    /// <param name="retryAfter">How long Microsoft asked us to wait.</param>
    /// <param name="what">The request that was throttled, e.g. <c>POST /v1.0/groups</c>.</param>
    public MicrosoftBusyException(TimeSpan retryAfter, string what)
        : base(string.Create(CultureInfo.InvariantCulture, $"Microsoft asked to wait {Math.Ceiling(retryAfter.TotalSeconds):0} s before sending {what} again (retry-after-seconds={Math.Ceiling(retryAfter.TotalSeconds):0})."))
    {
        this.RetryAfter = retryAfter;
    }

    /// <summary>Initializes a new instance of the <see cref="MicrosoftBusyException"/> class.</summary>
    public MicrosoftBusyException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MicrosoftBusyException"/> class.</summary>
    /// <param name="message">The message.</param>
    public MicrosoftBusyException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MicrosoftBusyException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MicrosoftBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>How long Microsoft asked us to wait.</summary>
    public TimeSpan RetryAfter { get; }

    /// <summary>The wait a task failure caused by this exception asks for, or null when it is another failure.</summary>
    /// <param name="failure">The failure reported by the Durable Task runtime.</param>
    /// <returns>The wait.</returns>
    public static TimeSpan? WaitOf(Microsoft.DurableTask.TaskFailureDetails? failure)
    {
        for (; failure is not null; failure = failure.InnerFailure)
        {
            if (failure.ErrorType == typeof(MicrosoftBusyException).FullName && SecondsIn().Match(failure.ErrorMessage) is { Success: true } seconds)
            {
                return TimeSpan.FromSeconds(int.Parse(seconds.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }

        return null;
    }

    [GeneratedRegex(@"retry-after-seconds=(\d+)")]
    private static partial Regex SecondsIn();
}
