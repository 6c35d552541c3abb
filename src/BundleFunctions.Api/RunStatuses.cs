using Microsoft.DurableTask.Client;

namespace BundleFunctions.Api;

/// <summary>What the API counts as a run still going: the statuses a new run on the same instance ID must not replace.</summary>
internal static class RunStatuses
{
    /// <summary>Running, pending or suspended.</summary>
    internal static readonly OrchestrationRuntimeStatus[] Live = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended];
}
