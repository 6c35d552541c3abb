using BundleFunctions.Api;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Functions;

/// <summary>The scheduled jobs as timer triggers; the LocalHost runs the same jobs on the same schedules.</summary>
public static class ScheduledJobFunctions
{
    [Function("ApprovalSafetyNet")]
    public static Task<int> ApprovalSafetyNet([TimerTrigger(ScheduledJobs.ApprovalSafetyNetSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        Jobs(function, client).ApprovalSafetyNetAsync(function.CancellationToken);

    [Function("ExpiryWatch")]
    public static Task<int> ExpiryWatch([TimerTrigger(ScheduledJobs.ExpiryWatchSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        Jobs(function, client).ExpiryWatchAsync(function.CancellationToken);

    [Function("AccessRecheck")]
    public static Task<int> AccessRecheck([TimerTrigger(ScheduledJobs.AccessRecheckSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        Jobs(function, client).AccessRecheckAsync(function.CancellationToken);

    [Function("PurgeHistory")]
    public static Task<int> PurgeHistory([TimerTrigger(ScheduledJobs.PurgeSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        Jobs(function, client).PurgeHistoryAsync(function.CancellationToken);

    static ScheduledJobs Jobs(FunctionContext function, DurableTaskClient client) => ActivatorUtilities.CreateInstance<ScheduledJobs>(function.InstanceServices, client);
}
