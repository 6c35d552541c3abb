using BundleFunctions.Api;
using Cronos;

namespace BundleFunctions.LocalHost.Events;

/// <summary>Runs <see cref="ScheduledJobs"/> and the <see cref="CustomerImport"/> on the LocalHost on the CRON schedules the Functions timer triggers use.</summary>
/// <param name="services">Resolves the jobs (they need the Durable client, which starts with the host).</param>
/// <param name="log">Where job results and failures are reported.</param>
public sealed class JobScheduler(IServiceProvider services, ILogger<JobScheduler> log) : BackgroundService
{
    /// <inheritdoc />
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        (string Name, string Cron, Func<IServiceProvider, CancellationToken, Task<JobReport>> Run)[] jobs =
        [
            ("approval safety net", ScheduledJobs.ApprovalSafetyNetSchedule, (s, ct) => s.GetRequiredService<ScheduledJobs>().ApprovalSafetyNetAsync(ct)),
            ("expiry watch", ScheduledJobs.ExpiryWatchSchedule, (s, ct) => s.GetRequiredService<ScheduledJobs>().ExpiryWatchAsync(ct)),
            ("access recheck", ScheduledJobs.AccessRecheckSchedule, (s, ct) => s.GetRequiredService<ScheduledJobs>().AccessRecheckAsync(ct)),
            ("history purge", ScheduledJobs.PurgeSchedule, (s, ct) => s.GetRequiredService<ScheduledJobs>().PurgeHistoryAsync(ct)),
            ("customer import", CustomerImport.Schedule, (s, ct) => s.GetRequiredService<CustomerImport>().RunAsJobAsync(ct)),
        ];
        return Task.WhenAll(jobs.Select(job => this.RunOnScheduleAsync(job.Name, CronExpression.Parse(job.Cron, CronFormat.IncludeSeconds), job.Run, stoppingToken)));
    }

    async Task RunOnScheduleAsync(string name, CronExpression schedule, Func<IServiceProvider, CancellationToken, Task<JobReport>> run, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? next = schedule.GetNextOccurrence(DateTimeOffset.UtcNow, TimeZoneInfo.Utc);
            if (next is null)
            {
                return;
            }

            await Task.Delay(next.Value - DateTimeOffset.UtcNow, stoppingToken);
            try
            {
                JobReport report = await run(services, stoppingToken);
                log.LogInformation("Scheduled {Job}: {Count} acted on, {Failed} failed.", name, report.Acted, report.Failures.Count);
                foreach (JobItemFailure failure in report.Failures)
                {
                    log.LogWarning("Scheduled {Job}: {Item} could not be handled and is tried again at the next run: {Reason}", name, failure.Item, failure.Reason);
                }
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                log.LogWarning(failure, "Scheduled {Job} failed; it runs again at its next occurrence.", name);
            }
        }
    }
}
