namespace BundleFunctions.Ports;

/// <summary>
/// A failure that retrying will not fix (bad input, missing permission, a Microsoft rule). Adapters throw it with a message
/// an operator can act on; the orchestrator stops retrying at once and shows the message on the failed step.
/// Any other exception is treated as transient and retried with back-off.
/// </summary>
public class StepFailedException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="StepFailedException"/> class.</summary>
    public StepFailedException()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StepFailedException"/> class.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public StepFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="StepFailedException"/> class.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="innerException">The cause.</param>
    public StepFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
