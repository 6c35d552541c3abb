using BundleFunctions.Ports;

namespace BundleFunctions.Gdap;

/// <summary>
/// Taking Global Administrator out of active relationships, keeping their other roles: what Partner Center does only by
/// hand, and what stands between a legacy relationship and auto-extend. It cannot be undone (roles cannot be added to an
/// active relationship), so the decision for each relationship is made here once, for the dry run and the real run alike.
/// </summary>
public static class GlobalAdministratorRemoval
{
    /// <summary>What is decided about a relationship before anything is changed; null when Global Administrator would be removed.</summary>
    /// <param name="relationshipId">The relationship asked about.</param>
    /// <param name="found">The relationship as Microsoft has it; null when the partner has none with this ID.</param>
    /// <returns>The result for a relationship that is left alone, or null.</returns>
    public static GlobalAdministratorRemovalResult? LeftAlone(string relationshipId, RelationshipSnapshot? found)
    {
        GlobalAdministratorRemovalResult Result(string outcome, string? message = null) => new(relationshipId, found?.DisplayName, found?.CustomerTenantId, outcome, message);
        if (found is null)
        {
            return Result(GlobalAdministratorRemovalOutcomes.NotFound, "The partner has no relationship with this ID.");
        }

        if (!Includes(found))
        {
            return Result(GlobalAdministratorRemovalOutcomes.NotIncluded);
        }

        return found.Status != RelationshipStatus.Active
            ? Result(GlobalAdministratorRemovalOutcomes.NotActive, $"Global Administrator can be removed only from an active relationship; this one is {found.Status}.")
            : null;
    }

    /// <summary>Whether a relationship includes Global Administrator.</summary>
    /// <param name="relationship">The relationship.</param>
    /// <returns>True when it does.</returns>
    public static bool Includes(RelationshipSnapshot relationship)
    {
        ArgumentNullException.ThrowIfNull(relationship);
        return relationship.RoleTemplateIds.Contains(RoleCatalog.GlobalAdministrator.TemplateId);
    }
}

/// <summary>The outcomes a relationship can have.</summary>
public static class GlobalAdministratorRemovalOutcomes
{
    /// <summary>Microsoft's long-running removal was started (or was already under way).</summary>
    public const string RemovalStarted = "removalStarted";

    /// <summary>A dry run: it would be removed.</summary>
    public const string WouldRemove = "wouldRemove";

    /// <summary>The relationship has no Global Administrator.</summary>
    public const string NotIncluded = "notIncluded";

    /// <summary>The relationship is not active.</summary>
    public const string NotActive = "notActive";

    /// <summary>The partner has no such relationship.</summary>
    public const string NotFound = "notFound";

    /// <summary>Microsoft refused, or did not answer after the retries.</summary>
    public const string Failed = "failed";
}

/// <summary>What a removal run was asked for.</summary>
/// <param name="PartnerTenantId">The partner tenant.</param>
/// <param name="RelationshipIds">The relationships named; null for every active relationship that includes Global Administrator.</param>
/// <param name="Actor">Who asked, for the audit trail.</param>
/// <param name="Retry">How each relationship's calls are retried (configuration); production's when null.</param>
public sealed record GlobalAdministratorRemovalRequest(Guid PartnerTenantId, IReadOnlyList<string>? RelationshipIds, string Actor, Onboarding.ActivityRetrySettings? Retry = null);

/// <summary>One relationship of a removal run, as an activity takes it.</summary>
/// <param name="PartnerTenantId">The partner tenant.</param>
/// <param name="RelationshipId">The relationship.</param>
/// <param name="Actor">Who asked.</param>
public sealed record GlobalAdministratorRemovalTarget(Guid PartnerTenantId, string RelationshipId, string Actor);

/// <summary>What happened to one relationship.</summary>
/// <param name="RelationshipId">The relationship.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="CustomerTenantId">Its customer.</param>
/// <param name="Outcome">One of <see cref="GlobalAdministratorRemovalOutcomes"/>.</param>
/// <param name="Message">The detail an operator acts on.</param>
public sealed record GlobalAdministratorRemovalResult(string RelationshipId, string? DisplayName, Guid? CustomerTenantId, string Outcome, string? Message);

/// <summary>A removal run's progress (its custom status) and, at the end, its output.</summary>
/// <param name="Total">How many relationships the run covers.</param>
/// <param name="Results">The results so far, in the order the relationships were handled.</param>
public sealed record GlobalAdministratorRemovalReport(int Total, IReadOnlyList<GlobalAdministratorRemovalResult> Results);
