using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask.Client;

namespace BundleFunctions.Api;

/// <summary>
/// The timer-driven work, written once: the Functions app runs it on timer triggers, the LocalHost on the same CRON
/// schedules. Each job is safe to run twice (it reads current state and only acts on what changed).
/// </summary>
/// <param name="client">The Durable Task client.</param>
/// <param name="store">The onboarding store.</param>
/// <param name="relationships">The partner's relationships.</param>
/// <param name="customers">The customer-tenant port.</param>
/// <param name="partner">The partner tenant.</param>
/// <param name="time">The clock.</param>
/// <param name="options">What the jobs may do (section <c>Jobs</c>).</param>
public sealed class ScheduledJobs(DurableTaskClient client, IOnboardingStore store, IGdapRelationships relationships, ICustomerAccess customers, PartnerTenant partner, TimeProvider time, JobOptions options)
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
    /// <returns>How many approvals were raised.</returns>
    public async Task<int> ApprovalSafetyNetAsync(CancellationToken cancellationToken)
    {
        int raised = 0;
        foreach (OnboardingRecord waiting in (await store.ListAsync(partner.Id, cancellationToken)).Where(r => r.Status == OnboardingStatus.WaitingForCustomer && r.RelationshipId is not null))
        {
            RelationshipSnapshot? now = await relationships.GetAsync(RelationshipId.Parse(waiting.RelationshipId!), cancellationToken);
            if (now?.Status is RelationshipStatus.Approved or RelationshipStatus.Activating or RelationshipStatus.Active)
            {
                await client.RaiseEventAsync(waiting.Subject.OnboardingId, OnboardingEvents.RelationshipApproved, new RelationshipApproved(now.Id, ApprovalSource.SafetyNet), cancellationToken);
                raised++;
            }
        }

        return raised;
    }

    /// <summary>
    /// Announces onboarded customers' relationships that end in 30, 7 or 1 day(s), and turns on auto-extend for them where
    /// <see cref="JobOptions.AutoExtend"/> asks and Global Administrator does not forbid it.
    /// </summary>
    /// <returns>How many notices were queued.</returns>
    public async Task<int> ExpiryWatchAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = time.GetUtcNow();
        int notices = 0;
        foreach (RelationshipSnapshot active in (await relationships.ListAsync(cancellationToken)).Where(r => r.Status == RelationshipStatus.Active && r.EndDateTime is not null))
        {
            int daysLeft = (int)Math.Ceiling((active.EndDateTime!.Value - now).TotalDays);
            if (!ExpiryNoticeDays.Contains(daysLeft) || await store.FindByRelationshipAsync(partner.Id, active.Id, cancellationToken) is not { } onboardingId)
            {
                continue;
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
            notices++;
        }

        return notices;
    }

    /// <summary>Rechecks API access into every onboarded customer; a changed shield is recorded (and announced through the outbox).</summary>
    /// <returns>How many shields changed.</returns>
    public async Task<int> AccessRecheckAsync(CancellationToken cancellationToken)
    {
        int changed = 0;
        foreach (OnboardingRecord onboarded in (await store.ListAsync(partner.Id, cancellationToken)).Where(r => r.Status == OnboardingStatus.Succeeded))
        {
            // The roles this customer's onboarding asked for, not the default twelve: a custom-role customer stays green.
            AccessReport report = await customers.ProbeAsync(onboarded.Subject.CustomerTenantId, onboarded.Subject.Roles, cancellationToken);
            Shield shield = report.IsGreen ? Shield.Green : Shield.Blue;
            if (shield == onboarded.Shield)
            {
                continue;
            }

            string message = report.IsGreen
                ? "Daily recheck: API access works again."
                : $"Daily recheck: API access no longer works. Missing: {string.Join(", ", report.MissingRoleTemplateIds.Select(RoleCatalog.NameOf).Concat(report.Problems))}";
            await store.ApplyAsync(new ProgressUpdate(onboarded.Subject, Shield: shield, Message: message, Actor: "daily access recheck"), time.GetUtcNow(), cancellationToken);
            changed++;
        }

        return changed;
    }

    /// <summary>Purges the Durable history of onboardings that ended longer ago than <see cref="JobOptions.HistoryRetention"/>.</summary>
    /// <returns>How many instances were purged.</returns>
    public async Task<int> PurgeHistoryAsync(CancellationToken cancellationToken)
    {
        PurgeResult result = await client.PurgeAllInstancesAsync(
            new PurgeInstancesFilter(
                CreatedFrom: DateTimeOffset.UnixEpoch, // an explicit lower bound: the LocalHost's sidecar cannot read an open one
                CreatedTo: time.GetUtcNow() - options.HistoryRetention,
                Statuses: [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated]),
            cancellationToken);
        return result.PurgedInstanceCount;
    }
}

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
