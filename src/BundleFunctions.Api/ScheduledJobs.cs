using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Api;

/// <summary>
/// The timer-driven work, written once: the Functions app runs it on timer triggers, the LocalHost on the same CRON
/// schedules. Each job is safe to run twice (it reads current state and only acts on what changed), and one customer
/// or relationship that fails does not stop the job for the others: the <see cref="JobReport"/> names it and why.
/// </summary>
/// <param name="client">The Durable Task client.</param>
/// <param name="store">The onboarding store.</param>
/// <param name="relationships">The partner's relationships.</param>
/// <param name="customers">The customer-tenant port.</param>
/// <param name="apps">The enterprise app's access, for customers onboarded on that path.</param>
/// <param name="partner">The partner tenant.</param>
/// <param name="time">The clock.</param>
/// <param name="options">What the jobs may do (section <c>Jobs</c>).</param>
public sealed class ScheduledJobs(DurableTaskClient client, IOnboardingStore store, IGdapRelationships relationships, ICustomerAccess customers, IEnterpriseAppAccess apps, PartnerTenant partner, TimeProvider time, JobOptions options)
{
    /// <summary>Every 15 minutes: lost webhooks delay an onboarding by at most one interval.</summary>
    public const string ApprovalSafetyNetSchedule = "0 */15 * * * *";

    /// <summary>Daily at 06:00 UTC.</summary>
    public const string ExpiryWatchSchedule = "0 0 6 * * *";

    /// <summary>Daily at 06:30 UTC.</summary>
    public const string AccessRecheckSchedule = "0 30 6 * * *";

    /// <summary>Daily at 03:00 UTC.</summary>
    public const string PurgeSchedule = "0 0 3 * * *";

    /// <summary>Days before a relationship's end at which <c>relationship.expiring</c> is announced.</summary>
    public static readonly int[] ExpiryNoticeDays = [30, 7, 1];

    /// <summary>For each onboarding waiting for its customer, checks the relationship and raises the approval the webhook should have.</summary>
    /// <returns>How many approvals were raised, and the onboardings that could not be checked.</returns>
    public async Task<JobReport> ApprovalSafetyNetAsync(CancellationToken cancellationToken) => await JobReport.ForEachAsync(
        "approval safety net",
        (await store.ListAsync(partner.Id, cancellationToken)).Where(r => r.Status == OnboardingStatus.WaitingForCustomer && r.RelationshipId is not null),
        waiting => waiting.Subject.OnboardingId,
        async waiting =>
        {
            RelationshipSnapshot? now = await relationships.GetAsync(RelationshipId.Parse(waiting.RelationshipId!), cancellationToken);
            if (now?.Status is not (RelationshipStatus.Approved or RelationshipStatus.Activating or RelationshipStatus.Active))
            {
                return false;
            }

            await client.RaiseEventAsync(waiting.Subject.OnboardingId, OnboardingEvents.RelationshipApproved, new RelationshipApproved(now.Id, ApprovalSource.SafetyNet), cancellationToken);
            return true;
        },
        cancellationToken);

    /// <summary>
    /// Announces onboarded customers' relationships that end in 30, 7 or 1 day(s), and turns on auto-extend for them where
    /// <see cref="JobOptions.AutoExtend"/> asks and Global Administrator does not forbid it.
    /// </summary>
    /// <returns>How many notices were queued, and the relationships that could not be handled.</returns>
    public async Task<JobReport> ExpiryWatchAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        return await JobReport.ForEachAsync(
            "expiry watch",
            (await relationships.ListAsync(cancellationToken)).Where(r => r.Status == RelationshipStatus.Active && r.EndDateTime is not null),
            active => active.Id,
            active => this.AnnounceExpiryAsync(active, now, cancellationToken),
            cancellationToken);
    }

    async Task<bool> AnnounceExpiryAsync(RelationshipSnapshot active, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int daysLeft = (int)Math.Ceiling((active.EndDateTime!.Value - now).TotalDays);
        if (!ExpiryNoticeDays.Contains(daysLeft) || await store.FindByRelationshipAsync(partner.Id, active.Id, cancellationToken) is not { } onboardingId)
        {
            return false;
        }

        bool extend = options.AutoExtend && active.AutoExtendDuration == TimeSpan.Zero && !active.RoleTemplateIds.Contains(RoleCatalog.GlobalAdministrator.TemplateId);
        if (extend)
        {
            await relationships.EnableAutoExtendAsync(RelationshipId.Parse(active.Id), cancellationToken);
        }

        await store.PublishAsync(partner.Id, new OutboundEvent(OutboundEvents.RelationshipExpiring, onboardingId, now, new Dictionary<string, string?>
        {
            ["relationshipId"] = active.Id,
            ["customerTenantId"] = active.CustomerTenantId?.ToString(),
            ["endDateTime"] = active.EndDateTime.Value.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["daysLeft"] = daysLeft.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["autoExtend"] = extend || active.AutoExtendDuration > TimeSpan.Zero ? "on" : "off",
        }), cancellationToken);
        return true;
    }

    /// <summary>Rechecks API access into every onboarded customer; a changed shield is recorded (and announced through the outbox).</summary>
    /// <returns>How many shields changed, and the customers that could not be checked.</returns>
    public async Task<JobReport> AccessRecheckAsync(CancellationToken cancellationToken) => await JobReport.ForEachAsync(
        "access recheck",
        (await store.ListAsync(partner.Id, cancellationToken)).Where(r => r.Status == OnboardingStatus.Succeeded),
        onboarded => onboarded.Subject.OnboardingId,
        onboarded => this.RecheckAsync(onboarded, cancellationToken),
        cancellationToken);

    async Task<bool> RecheckAsync(OnboardingRecord onboarded, CancellationToken cancellationToken)
    {
        (bool green, string missing) = await this.ProbeAsync(onboarded.Subject, cancellationToken);
        Shield shield = green ? Shield.Green : Shield.Blue;
        if (shield == onboarded.Shield)
        {
            return false;
        }

        string message = green ? "Daily recheck: API access works again." : $"Daily recheck: API access no longer works. Missing: {missing}";
        await store.ApplyAsync(new ProgressUpdate(onboarded.Subject, Shield: shield, Message: message, Actor: "daily access recheck"), time.GetUtcNow(), cancellationToken);
        return true;
    }

    /// <summary>The access check of the customer's path: its GDAP roles, or the enterprise app's app-only access.</summary>
    async Task<(bool Green, string Missing)> ProbeAsync(OnboardingSubject subject, CancellationToken cancellationToken)
    {
        if (subject.Path == OnboardingPath.EnterpriseApp)
        {
            AppAccessReport app = await apps.ProbeAsync(subject.CustomerTenantId, cancellationToken);
            return (app.IsGreen, app.Describe());
        }

        // The roles this customer's onboarding asked for, not the default twelve: a custom-role customer stays green.
        AccessReport report = await customers.ProbeAsync(subject.CustomerTenantId, subject.Roles, cancellationToken);
        return (report.IsGreen, string.Join(", ", report.MissingRoleTemplateIds.Select(RoleCatalog.NameOf).Concat(report.Problems)));
    }

    /// <summary>Purges the Durable history of onboardings that ended longer ago than <see cref="JobOptions.HistoryRetention"/>.</summary>
    /// <returns>How many instances were purged.</returns>
    public async Task<JobReport> PurgeHistoryAsync(CancellationToken cancellationToken)
    {
        PurgeResult result = await client.PurgeAllInstancesAsync(
            new PurgeInstancesFilter(
                CreatedFrom: DateTimeOffset.UnixEpoch, // an explicit lower bound: the LocalHost's sidecar cannot read an open one
                CreatedTo: time.GetUtcNow() - options.HistoryRetention,
                Statuses: [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated]),
            cancellationToken);
        return new JobReport("history purge", result.PurgedInstanceCount, []);
    }
}

/// <summary>What one run of a scheduled job did: how many items it acted on, and each item it could not handle, with why.</summary>
/// <param name="Job">The job.</param>
/// <param name="Acted">Items acted on (approvals raised, notices queued, shields changed, instances purged).</param>
/// <param name="Failures">Items that failed; the job went on with the others.</param>
public sealed record JobReport(string Job, int Acted, IReadOnlyList<JobItemFailure> Failures)
{
    /// <summary>Runs <paramref name="act"/> on each item; a failing item is reported and the others still run.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="job">The job's name.</param>
    /// <param name="items">The items.</param>
    /// <param name="name">How a failure names its item (an onboarding or relationship id).</param>
    /// <param name="act">The work on one item; true when it acted.</param>
    /// <param name="cancellationToken">Stops the job between items.</param>
    /// <returns>The report.</returns>
    public static async Task<JobReport> ForEachAsync<T>(string job, IEnumerable<T> items, Func<T, string> name, Func<T, Task<bool>> act, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(act);
        int acted = 0;
        List<JobItemFailure> failures = [];
        foreach (T item in items)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                acted += await act(item) ? 1 : 0;
            }
            catch (Exception failure) when (failure is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add(new JobItemFailure(name(item), failure.Message));
            }
        }

        return new JobReport(job, acted, failures);
    }
}

/// <summary>One item a scheduled job could not handle.</summary>
/// <param name="Item">The onboarding or relationship id.</param>
/// <param name="Reason">What failed, in the words of the failure.</param>
public sealed record JobItemFailure(string Item, string Reason);

/// <summary>What the scheduled jobs may do (section <c>Jobs</c>).</summary>
public sealed class JobOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Jobs";

    /// <summary>
    /// Whether the expiry watch turns on auto-extend (180 days) for relationships nearing their end. Never for a relationship
    /// with Global Administrator: Microsoft forbids it, and such a relationship should end.
    /// </summary>
    public bool AutoExtend { get; set; }

    /// <summary>Finished orchestration history older than this is purged (onboarding rows and audit stay).</summary>
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(90);
}
