using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;

namespace BundleFunctions.Offboarding;

/// <summary>How a customer's access ends.</summary>
public enum OffboardingMode
{
    /// <summary>Every active relationship is terminated: the customer must approve a new request to be managed again.</summary>
    TerminateRelationships,

    /// <summary>
    /// Every access assignment of the active relationships is deleted: no partner user reaches the customer any more, but the
    /// relationships stay until they end, so access can be given back without asking the customer.
    /// </summary>
    RemoveAccessAssignments,
}

/// <summary>What an offboarding run was asked for. Holds no secret: it is the orchestration's input.</summary>
/// <param name="PartnerTenantId">The partner.</param>
/// <param name="CustomerTenantId">The customer.</param>
/// <param name="Mode">How access ends.</param>
/// <param name="RemoveConsent">Whether the application's consent is removed from the customer tenant too.</param>
/// <param name="RelationshipIds">The customer's relationships, as Microsoft listed them when the run was asked for.</param>
/// <param name="Actor">Who asked, for the audit trails.</param>
/// <param name="Reason">Why, as the caller gave it.</param>
/// <param name="Retry">How each call is retried (configuration); production's when null.</param>
public sealed record OffboardingPlan(
    Guid PartnerTenantId,
    Guid CustomerTenantId,
    OffboardingMode Mode,
    bool RemoveConsent,
    IReadOnlyList<string> RelationshipIds,
    string Actor,
    string? Reason,
    ActivityRetrySettings? Retry = null)
{
    /// <summary>Why each relationship is ended, for the audit trail.</summary>
    public string Why => this.Reason is { } reason ? $"Offboarded: {reason}." : "Offboarded.";

    /// <summary>One relationship of the run, as an activity takes it.</summary>
    /// <param name="relationshipId">The relationship.</param>
    /// <returns>The target.</returns>
    public RelationshipEndingTarget Target(string relationshipId) => new(this.PartnerTenantId, this.CustomerTenantId, relationshipId, Keep: null, this.Actor, this.Why);
}

/// <summary>The outcomes of the application's consent in an offboarding.</summary>
public static class ConsentRemovalOutcomes
{
    /// <summary>Partner Center removed it.</summary>
    public const string Removed = "removed";

    /// <summary>There was none.</summary>
    public const string NotPresent = "notPresent";

    /// <summary>A dry run: it would be removed.</summary>
    public const string WouldRemove = "wouldRemove";

    /// <summary>The caller asked to keep it.</summary>
    public const string Kept = "kept";

    /// <summary>Partner Center refused, or did not answer after the retries.</summary>
    public const string Failed = "failed";
}

/// <summary>An offboarding's report: its custom status while it runs, its output when it ends.</summary>
/// <param name="CustomerTenantId">The customer.</param>
/// <param name="Mode">How access ends.</param>
/// <param name="Consent">One of <see cref="ConsentRemovalOutcomes"/>, with Partner Center's words when it failed.</param>
/// <param name="Relationships">Each relationship's outcome so far.</param>
/// <param name="Complete">Whether everything asked for was done (the customer is then recorded as offboarded).</param>
public sealed record OffboardingReport(Guid CustomerTenantId, OffboardingMode Mode, string? Consent, IReadOnlyList<EndedRelationship> Relationships, bool Complete)
{
    /// <summary>What was done, in words, for the audit trails and the book.</summary>
    /// <returns>One or two sentences.</returns>
    public string Summary() =>
        (this.Relationships.Count == 0 ? "No relationship to end." : string.Join("; ", this.Relationships.Select(r => r.Describe())) + ".")
        + (this.Consent is { } consent ? $" Application consent: {consent}." : string.Empty);
}

/// <summary>The record an offboarding writes at its end.</summary>
/// <param name="Plan">What was asked.</param>
/// <param name="Report">What was done.</param>
public sealed record OffboardingOutcome(OffboardingPlan Plan, OffboardingReport Report);
