using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Api;

/// <summary>What the API counts as a run still going: the statuses a new run on the same instance ID must not replace.</summary>
internal static class RunStatuses
{
    /// <summary>Running, pending or suspended.</summary>
    internal static readonly OrchestrationRuntimeStatus[] Live = [OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Suspended];

    /// <summary>
    /// Starts <paramref name="orchestration"/> as <paramref name="instanceId"/> unless a run of it is live, which the caller
    /// then joins: a double click or a client's retry while it runs never races it. Two requests past the check at once are
    /// settled by the deterministic ID: one starts, the other joins.
    /// </summary>
    internal static async Task StartUnlessLiveAsync(DurableTaskClient client, string orchestration, object input, string instanceId, CancellationToken cancellationToken)
    {
        if (await client.GetInstanceAsync(instanceId, cancellationToken) is { } running && Live.Contains(running.RuntimeStatus))
        {
            return;
        }

        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(orchestration, input, new StartOrchestrationOptions { InstanceId = instanceId }.WithDedupeStatuses(Live), cancellationToken);
        }
        catch (Grpc.Core.RpcException race) when (race.StatusCode == Grpc.Core.StatusCode.AlreadyExists)
        {
            // The other request started it: this one joins.
        }
    }
}
