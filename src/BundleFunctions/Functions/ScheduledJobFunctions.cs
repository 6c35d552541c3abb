using BundleFunctions.Api;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BundleFunctions.Functions;

/// <summary>
/// The scheduled jobs as timer triggers; the LocalHost runs the same jobs on the same schedules. A timer's return value
/// binds to nothing, so each logs what it did instead.
/// </summary>
public static class ScheduledJobFunctions
{
    [Function("ApprovalSafetyNet")]
    public static Task ApprovalSafetyNet([TimerTrigger(ScheduledJobs.ApprovalSafetyNetSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(function, client, (jobs, ct) => jobs.ApprovalSafetyNetAsync(ct), "Approval safety net: {Count} approval(s) found by polling and raised.");

    [Function("ExpiryWatch")]
    public static Task ExpiryWatch([TimerTrigger(ScheduledJobs.ExpiryWatchSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(function, client, (jobs, ct) => jobs.ExpiryWatchAsync(ct), "Expiry watch: {Count} notice(s) of relationships nearing their end queued.");

    [Function("AccessRecheck")]
    public static Task AccessRecheck([TimerTrigger(ScheduledJobs.AccessRecheckSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(function, client, (jobs, ct) => jobs.AccessRecheckAsync(ct), "Access recheck: {Count} shield(s) changed.");

    [Function("CustomerImportJob")]
    public static Task ImportCustomers([TimerTrigger(Api.CustomerImport.Schedule)] TimerInfo timer, FunctionContext function) =>
        ReportAsync(function, function.InstanceServices.GetRequiredService<Api.CustomerImport>().RunAsJobAsync(function.CancellationToken), "Customer import: {Count} customer(s) written to the customer book.");

    [Function("PurgeHistory")]
    public static Task PurgeHistory([TimerTrigger(ScheduledJobs.PurgeSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, FunctionContext function) =>
        RunAsync(function, client, (jobs, ct) => jobs.PurgeHistoryAsync(ct), "History purge: {Count} finished instance(s) purged.");

    static Task RunAsync(FunctionContext function, DurableTaskClient client, Func<ScheduledJobs, CancellationToken, Task<JobReport>> job, string done) =>
        ReportAsync(function, job(ActivatorUtilities.CreateInstance<ScheduledJobs>(function.InstanceServices, client), function.CancellationToken), done);

    static async Task ReportAsync(FunctionContext function, Task<JobReport> job, string done)
    {
        JobReport report = await job;
        ILogger log = function.GetLogger(function.FunctionDefinition.Name);
#pragma warning disable CA2254 // one template per job, each a constant
        log.LogInformation(done, report.Acted);
#pragma warning restore CA2254
        foreach (JobItemFailure failure in report.Failures)
        {
            log.LogWarning("{Job}: {Item} could not be handled and is tried again at the next run: {Reason}", report.Job, failure.Item, failure.Reason);
        }
    }
}
