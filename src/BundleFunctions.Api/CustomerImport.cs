using BundleFunctions.Customers;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Api;

/// <summary>
/// Fills the customer book from Partner Center's customer list and Graph's relationships, judging each customer
/// (<see cref="CustomerDiscovery"/>). Run daily (<see cref="Schedule"/>, as <see cref="RunAsJobAsync"/>) and on demand (<c>POST /api/customers/import</c>); two
/// imports never interleave (a lease), and running one twice writes the same book.
/// </summary>
/// <param name="partnerCenter">Partner Center's customer list.</param>
/// <param name="relationships">The partner's relationships.</param>
/// <param name="onboardings">The onboarding store.</param>
/// <param name="book">The customer book.</param>
/// <param name="leases">Leases shared by every instance.</param>
/// <param name="partner">The partner tenant.</param>
/// <param name="time">The clock.</param>
public sealed class CustomerImport(IPartnerCustomers partnerCenter, IGdapRelationships relationships, IOnboardingStore onboardings, ICustomerBook book, ILeases leases, PartnerTenant partner, TimeProvider time)
{
    /// <summary>Daily at 05:30 UTC, before the expiry watch and the access recheck.</summary>
    public const string Schedule = "0 30 5 * * *";

    /// <summary>The import as a scheduled job: a list that could not be read is reported, and the book stays as it was.</summary>
    /// <param name="cancellationToken">Cancels the import.</param>
    /// <returns>How many customers were written, or why the lists could not be read.</returns>
    public async Task<JobReport> RunAsJobAsync(CancellationToken cancellationToken)
    {
        try
        {
            return new JobReport("customer import", (await this.RunAsync(cancellationToken)).Customers, []);
        }
        catch (Exception failed) when (failed is StepFailedException or HttpRequestException or MicrosoftBusyException or TimeoutException)
        {
            return new JobReport("customer import", 0, [new JobItemFailure("customer lists", failed.Message)]);
        }
    }

    /// <summary>Reads Partner Center and Graph, judges every customer, and writes the book.</summary>
    /// <param name="cancellationToken">Cancels the import; what was written stays (a rerun completes it).</param>
    /// <returns>What was read and how the customers were judged.</returns>
    /// <exception cref="StepFailedException">Partner Center or Graph refused a list; nothing was written.</exception>
    public async Task<CustomerImportReport> RunAsync(CancellationToken cancellationToken)
    {
        await using IAsyncDisposable held = await leases.AcquireAsync($"customer-import-{partner.Id:N}", cancellationToken);
        DateTimeOffset started = time.GetUtcNow();
        PartnerCustomerList listed = await partnerCenter.ListCustomersAsync(cancellationToken);
        IReadOnlyList<RelationshipSnapshot> all = await relationships.ListAsync(cancellationToken);
        IReadOnlyDictionary<string, IReadOnlyList<Guid>> assigned = await this.AssignedRolesAsync(all, cancellationToken);
        IReadOnlyList<OnboardingRecord> onboarded = await onboardings.ListAsync(partner.Id, cancellationToken);
        IReadOnlyDictionary<Guid, CustomerOffboarding> offboarded = await book.ListOffboardedAsync(partner.Id, cancellationToken);
        IReadOnlyList<CustomerRecord> judged = CustomerDiscovery.Judge(listed.Customers, all, onboarded, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)], started, offboarded, assigned);
        await book.SaveImportAsync(partner.Id, judged, cancellationToken);
        return new CustomerImportReport(
            started,
            time.GetUtcNow() - started,
            judged.Count,
            listed.Pages,
            all.Count,
            Enum.GetValues<CustomerVerdict>().ToDictionary(v => v, v => judged.Count(c => c.Verdict == v)));
    }

    /// <summary>
    /// The roles each active relationship's live access assignments give partner groups: one list per relationship, read
    /// a few at a time (a book of a thousand customers is a thousand reads; eight at once keeps inside Graph's limits).
    /// </summary>
    async Task<IReadOnlyDictionary<string, IReadOnlyList<Guid>>> AssignedRolesAsync(IReadOnlyList<RelationshipSnapshot> all, CancellationToken cancellationToken)
    {
        System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyList<Guid>> assigned = new();
        await Parallel.ForEachAsync(
            all.Where(r => r.Status == RelationshipStatus.Active),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (relationship, ct) => assigned[relationship.Id] =
                [.. (await relationships.ListAccessAssignmentsAsync(RelationshipId.Parse(relationship.Id), ct)).Where(a => a.IsLive).SelectMany(a => a.RoleTemplateIds).Distinct()]);
        return assigned;
    }
}

/// <summary>What an import read and found.</summary>
/// <param name="ImportedAt">When it started (every customer written carries it).</param>
/// <param name="Took">How long it took.</param>
/// <param name="Customers">How many customers the book now holds from this import.</param>
/// <param name="PartnerCenterPages">How many pages Partner Center's customer list had.</param>
/// <param name="Relationships">How many relationships Graph listed (every status).</param>
/// <param name="ByVerdict">Customers per verdict.</param>
public sealed record CustomerImportReport(DateTimeOffset ImportedAt, TimeSpan Took, int Customers, int PartnerCenterPages, int Relationships, IReadOnlyDictionary<CustomerVerdict, int> ByVerdict);
