namespace BundleFunctions.Ports;

/// <summary>
/// A failure that retrying will not fix (bad input, missing permission, a Microsoft rule). Adapters throw it with a message
/// an operator can act on; the orchestrator stops retrying at once and shows the message on the failed step.
/// Any other exception is treated as transient and retried with back-off. Sealed: failures are recognized by exact type
/// name (see <see cref="IsCause"/>), because the Durable Task <c>IsCausedBy</c> check resolves type names across all loaded
/// assemblies and throws when a name such as <c>System.Net.Http.HttpRequestException</c> is found in more than one.
/// </summary>
public sealed class StepFailedException : Exception
{
    /// <summary>Whether a task failure, or any failure inside it, is a <see cref="StepFailedException"/>.</summary>
    /// <param name="failure">The failure reported by the Durable Task runtime.</param>
    /// <returns>True when retrying cannot help.</returns>
    public static bool IsCause(Microsoft.DurableTask.TaskFailureDetails? failure)
    {
        for (; failure is not null; failure = failure.InnerFailure)
        {
            if (failure.ErrorType == typeof(StepFailedException).FullName)
            {
                return true;
            }
        }

        return false;
    }

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
