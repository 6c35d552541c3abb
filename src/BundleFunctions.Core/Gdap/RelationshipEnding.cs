using BundleFunctions.Ports;

namespace BundleFunctions.Gdap;

/// <summary>
/// Ending a customer's relationship — a migration's legacy one once its replacement is green, or every one at offboarding.
/// Ending cannot be undone (the customer must approve a new request to give access again), so what is done to each
/// relationship is decided here once, for the dry run and the real run alike.
/// </summary>
public static class RelationshipEnding
{
    /// <summary>What is decided about a relationship before anything is changed: ended (null), left alone, or refused.</summary>
    /// <param name="ending">What is asked.</param>
    /// <param name="found">The relationship as Microsoft has it; null when the partner has none with this ID.</param>
    /// <returns>The result for a relationship that is not terminated, or null when it is to be.</returns>
    /// <exception cref="StepFailedException">It is another customer's, or the one the customer's access now relies on.</exception>
    public static EndedRelationship? LeftAlone(RelationshipEndingTarget ending, RelationshipSnapshot? found)
    {
        ArgumentNullException.ThrowIfNull(ending);
        EndedRelationship Result(string outcome, string message) => new(ending.RelationshipId, found?.DisplayName, outcome, message);
        if (found is null)
        {
            return Result(RelationshipEndingOutcomes.NotFound, "The partner has no relationship with this ID: there is nothing to end.");
        }

        if (found.CustomerTenantId is { } customer && customer != ending.CustomerTenantId)
        {
            throw new StepFailedException(
                $"Relationship '{found.DisplayName}' ({found.Id}) belongs to customer {customer}, not to {ending.CustomerTenantId}; nothing was ended. "
                + "Fix: name only this customer's relationships, then retry.");
        }

        if (found.Id == ending.Keep)
        {
            throw new StepFailedException(
                $"Relationship '{found.DisplayName}' ({found.Id}) is the one this customer's access now relies on; nothing was ended. "
                + "Fix: cancel this onboarding and start it again without that relationship among those it replaces.");
        }

        return found.Status switch
        {
            RelationshipStatus.Active => null,
            RelationshipStatus.TerminationRequested or RelationshipStatus.Terminating or RelationshipStatus.Terminated or RelationshipStatus.Expiring or RelationshipStatus.Expired =>
                Result(RelationshipEndingOutcomes.AlreadyEnding, $"It is already {WireStatus(found.Status)}."),
            _ => Result(RelationshipEndingOutcomes.NotActive, $"It is {WireStatus(found.Status)}, not active: it gives no access, and Microsoft ends an unapproved request when it expires."),
        };
    }

    /// <summary>
    /// Reads the relationship fresh, decides (<see cref="LeftAlone"/>), runs <paramref name="end"/> when it is to be ended,
    /// and writes what was done to the operations audit: the part every way of ending a relationship shares.
    /// </summary>
    /// <param name="target">What is asked.</param>
    /// <param name="relationships">The partner's relationships.</param>
    /// <param name="audit">The partner-wide audit.</param>
    /// <param name="time">The clock.</param>
    /// <param name="end">Ends an active relationship of this customer and says how.</param>
    /// <returns>What happened.</returns>
    public static async Task<EndedRelationship> EndAsync(
        RelationshipEndingTarget target, IGdapRelationships relationships, IOperationsAudit audit, TimeProvider time, Func<RelationshipId, RelationshipSnapshot, Task<EndedRelationship>> end)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(audit);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(end);
        RelationshipId id = RelationshipId.Parse(target.RelationshipId);
        RelationshipSnapshot? found = await relationships.GetAsync(id, CancellationToken.None);
        EndedRelationship result = LeftAlone(target, found) ?? await end(id, found!);
        await audit.RecordAsync(
            target.PartnerTenantId,
            new OperationsAuditEntry(time.GetUtcNow(), target.Actor, $"relationship.{result.Outcome}", id.Value, $"{result.DisplayName}: {target.Why} {result.Message}"),
            CancellationToken.None);
        return result;
    }

    static string WireStatus(RelationshipStatus status) => Onboarding.WireName.Of(status);
}

/// <summary>The outcomes of ending a relationship.</summary>
public static class RelationshipEndingOutcomes
{
    /// <summary>Microsoft was asked to terminate it (or had been already by an earlier attempt).</summary>
    public const string TerminationRequested = "terminationRequested";

    /// <summary>A dry run: it would be terminated.</summary>
    public const string WouldTerminate = "wouldTerminate";

    /// <summary>Its access assignments were deleted; the relationship itself stays until it ends.</summary>
    public const string AccessRemoved = "accessRemoved";

    /// <summary>A dry run: its access assignments would be deleted.</summary>
    public const string WouldRemoveAccess = "wouldRemoveAccess";

    /// <summary>Microsoft refused, or did not answer after the retries.</summary>
    public const string Failed = "failed";

    /// <summary>It is already being ended, or has ended or expired.</summary>
    public const string AlreadyEnding = "alreadyEnding";

    /// <summary>It is not active (a request never approved): nothing to end.</summary>
    public const string NotActive = "notActive";

    /// <summary>The partner has no such relationship.</summary>
    public const string NotFound = "notFound";
}

/// <summary>One relationship to end, as an activity takes it.</summary>
/// <param name="PartnerTenantId">The partner tenant.</param>
/// <param name="CustomerTenantId">The customer it must belong to.</param>
/// <param name="RelationshipId">The relationship.</param>
/// <param name="Keep">The relationship the customer's access relies on, never ended; null when none (offboarding).</param>
/// <param name="Actor">Who asked, for the audit trail.</param>
/// <param name="Why">Why it is ended, for the audit trail.</param>
public sealed record RelationshipEndingTarget(Guid PartnerTenantId, Guid CustomerTenantId, string RelationshipId, string? Keep, string Actor, string Why);

/// <summary>What happened to one relationship.</summary>
/// <param name="RelationshipId">The relationship.</param>
/// <param name="DisplayName">Its name, when Microsoft knows it.</param>
/// <param name="Outcome">One of <see cref="RelationshipEndingOutcomes"/>.</param>
/// <param name="Message">The detail an operator reads.</param>
public sealed record EndedRelationship(string RelationshipId, string? DisplayName, string Outcome, string Message)
{
    /// <summary>In words, for a step's message.</summary>
    /// <returns>One sentence.</returns>
    public string Describe() => $"'{this.DisplayName ?? this.RelationshipId}': {this.Outcome switch
    {
        RelationshipEndingOutcomes.TerminationRequested => "termination requested",
        RelationshipEndingOutcomes.WouldTerminate => "would be terminated",
        RelationshipEndingOutcomes.WouldRemoveAccess => "its access assignments would be deleted",
        _ => this.Message,
    }}";
}
