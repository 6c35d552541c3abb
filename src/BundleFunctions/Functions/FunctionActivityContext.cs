using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Functions;

/// <summary>
/// Runs a Core <see cref="TaskActivity{TInput,TOutput}"/> from an <c>[ActivityTrigger]</c> function: the Durable source
/// generator that would write this is not available, so the one-line wrappers call here.
/// </summary>
internal sealed class FunctionActivityContext(TaskName name, string instanceId) : TaskActivityContext
{
    /// <inheritdoc />
    public override TaskName Name { get; } = name;

    /// <inheritdoc />
    public override string InstanceId { get; } = instanceId;

    /// <summary>Creates the activity with the function's services and runs it.</summary>
    /// <typeparam name="TActivity">The activity class.</typeparam>
    /// <typeparam name="TInput">Its input.</typeparam>
    /// <typeparam name="TOutput">Its output.</typeparam>
    /// <param name="function">The function's context.</param>
    /// <param name="input">The activity input.</param>
    /// <param name="bound">What the function's bindings give that DI does not (the Durable client's adapters).</param>
    /// <returns>The activity output.</returns>
    public static Task<TOutput> RunAsync<TActivity, TInput, TOutput>(FunctionContext function, TInput input, params object[] bound)
        where TActivity : TaskActivity<TInput, TOutput>
    {
        TActivity activity = ActivatorUtilities.CreateInstance<TActivity>(function.InstanceServices, bound);
        string instanceId = function.BindingContext.BindingData.TryGetValue("instanceId", out object? id) ? id?.ToString() ?? string.Empty : string.Empty;
        return activity.RunAsync(new FunctionActivityContext(function.FunctionDefinition.Name, instanceId), input);
    }
}
