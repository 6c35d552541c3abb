using System.Globalization;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Customers;

/// <summary>
/// Judges each customer from what Partner Center and Graph report and from its onboarding: the verdict says whether an
/// existing relationship can be adopted, a new one must be requested, or an onboarding already handles it. Pure: the
/// import reads, this decides, the book stores.
/// </summary>
public static class CustomerDiscovery
{
    /// <summary>A relationship that ends sooner than this without auto-extend cannot cover a customer: it would lapse mid-onboarding or soon after.</summary>
    public static readonly TimeSpan EndingSoon = TimeSpan.FromDays(30);

    /// <summary>The customer book an import writes: every customer Partner Center lists, and every customer only a relationship names.</summary>
    /// <param name="customers">Partner Center's customers.</param>
    /// <param name="relationships">The partner's relationships, every status.</param>
    /// <param name="onboardings">The partner's onboardings.</param>
    /// <param name="requiredRoles">The roles a covering relationship must grant (the bundle's).</param>
    /// <param name="now">The import's time.</param>
    /// <param name="offboarded">The customers the book records as offboarded.</param>
    /// <param name="assignedRoles">Per active relationship ID, the roles its live access assignments give (what the import read).</param>
    /// <returns>One record per customer, in tenant-ID order.</returns>
    public static IReadOnlyList<CustomerRecord> Judge(
        IReadOnlyList<PartnerCustomer> customers,
        IReadOnlyList<RelationshipSnapshot> relationships,
        IReadOnlyList<OnboardingRecord> onboardings,
        IReadOnlyList<Guid> requiredRoles,
        DateTimeOffset now,
        IReadOnlyDictionary<Guid, CustomerOffboarding>? offboarded = null,
        IReadOnlyDictionary<string, IReadOnlyList<Guid>>? assignedRoles = null)
    {
        ArgumentNullException.ThrowIfNull(customers);
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(onboardings);
        Dictionary<Guid, PartnerCustomer> listed = customers.GroupBy(c => c.TenantId).ToDictionary(g => g.Key, g => g.First());
        ILookup<Guid, RelationshipSnapshot> byCustomer = relationships.Where(r => r.CustomerTenantId is not null).ToLookup(r => r.CustomerTenantId!.Value);
        Dictionary<Guid, OnboardingRecord> onboardingOf = onboardings.GroupBy(o => o.Subject.CustomerTenantId).ToDictionary(g => g.Key, g => g.MaxBy(o => o.UpdatedAt)!);
        return [.. listed.Keys.Union(byCustomer.Select(g => g.Key)).Order().Select(tenant =>
        {
            listed.TryGetValue(tenant, out PartnerCustomer? customer);
            onboardingOf.TryGetValue(tenant, out OnboardingRecord? onboarding);
            List<CustomerRelationship> held = [.. byCustomer[tenant].OrderBy(r => r.DisplayName, StringComparer.Ordinal).Select(r => CustomerRelationship.From(r, assignedRoles?.GetValueOrDefault(r.Id)))];
            CustomerOffboarding? offboarding = offboarded?.GetValueOrDefault(tenant);
            (CustomerVerdict verdict, string reason, string? covering) = Verdict(held, onboarding, requiredRoles, now, offboarding);
            string name = customer?.Name ?? byCustomer[tenant].Select(r => r.CustomerName).FirstOrDefault(n => !string.IsNullOrWhiteSpace(n)) ?? onboarding?.Subject.CustomerName ?? tenant.ToString();
            return new CustomerRecord(
                tenant, name, customer?.Domain, customer is not null, held, verdict, reason, covering,
                onboarding?.Subject.OnboardingId, onboarding?.Status, onboarding?.Shield ?? Shield.None, null, now, offboarding);
        })];
    }

    /// <summary>The verdict for one customer, why, and the covering relationship if any.</summary>
    /// <param name="relationships">The customer's relationships.</param>
    /// <param name="onboarding">Its latest onboarding, if any.</param>
    /// <param name="requiredRoles">The roles a covering relationship must grant.</param>
    /// <param name="now">The time of judgement.</param>
    /// <param name="offboarding">Its offboarding, when the book records one.</param>
    /// <returns>The verdict, the reason, and the covering relationship's ID when covered.</returns>
    public static (CustomerVerdict Verdict, string Reason, string? CoveringRelationshipId) Verdict(
        IReadOnlyList<CustomerRelationship> relationships,
        OnboardingRecord? onboarding,
        IReadOnlyList<Guid> requiredRoles,
        DateTimeOffset now,
        CustomerOffboarding? offboarding = null)
    {
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(requiredRoles);
        if (onboarding is { Status: OnboardingStatus.Queued or OnboardingStatus.Running or OnboardingStatus.WaitingForCustomer or OnboardingStatus.Failed })
        {
            string where = onboarding.Status == OnboardingStatus.Failed
                ? $"failed at {WireName.Of(onboarding.CurrentStep)} and waits for an operator to retry or cancel it"
                : $"is {WireName.Of(onboarding.Status)} at {WireName.Of(onboarding.CurrentStep)}";
            return (CustomerVerdict.Onboarding, $"Onboarding {onboarding.Subject.OnboardingId} {where}.", null);
        }

        if (offboarding is not null)
        {
            return (CustomerVerdict.Offboarded, Offboarded(offboarding), null);
        }

        List<CustomerRelationship> active = [.. relationships.Where(r => r.Status == RelationshipStatus.Active)];
        CustomerRelationship? covering = active
            .Where(r => Missing(r, requiredRoles).Count == 0 && !EndsSoon(r, now))
            .OrderByDescending(r => r.AutoExtends).ThenByDescending(r => r.EndDateTime)
            .FirstOrDefault();
        if (covering is not null)
        {
            string until = covering.AutoExtends ? "and auto-extends" : $"until {Day(covering.EndDateTime)}";
            string globalAdministrator = covering.HoldsGlobalAdministrator
                ? "; it also grants Global Administrator, so it cannot auto-extend: migrate it to the bundle's roles"
                : string.Empty;
            return (CustomerVerdict.Covered, $"Relationship '{covering.Name}' ({covering.Id}) grants every bundle role {until}{globalAdministrator}.", covering.Id);
        }

        if (active.Count == 0)
        {
            string others = relationships.Count == 0
                ? "it has no GDAP relationship with this partner"
                : "none of its relationships is active (" + string.Join(", ", relationships.Select(r => $"'{r.Name}' is {WireName.Of(r.Status)}")) + ")";
            return (CustomerVerdict.NeedsNewRelationship, $"A new relationship is needed: {others}.", null);
        }

        return (CustomerVerdict.NeedsNewRelationship, "A new relationship is needed: " + string.Join("; ", active.Select(r => Shortfall(r, requiredRoles, now))) + ".", null);
    }

    /// <summary>
    /// The relationships a migration replaces: the customer's active ones that grant Global Administrator (which blocks
    /// auto-extend and gives more than least privilege) or lack a bundle role, each with why. A relationship that only ends
    /// soon is not among them: it ends by itself.
    /// </summary>
    /// <param name="relationships">The customer's relationships.</param>
    /// <param name="requiredRoles">The bundle's roles.</param>
    /// <returns>The legacy relationships, by name.</returns>
    public static IReadOnlyList<LegacyRelationship> Legacy(IReadOnlyList<CustomerRelationship> relationships, IReadOnlyList<Guid> requiredRoles)
    {
        ArgumentNullException.ThrowIfNull(relationships);
        ArgumentNullException.ThrowIfNull(requiredRoles);
        return [.. relationships
            .Where(r => r.Status == RelationshipStatus.Active && (r.HoldsGlobalAdministrator || Missing(r, requiredRoles).Count > 0))
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .Select(r => new LegacyRelationship(r, r.HoldsGlobalAdministrator && Missing(r, requiredRoles).Count == 0
                ? $"'{r.Name}' grants Global Administrator besides the bundle roles, so it cannot auto-extend"
                : Shortfall(r, requiredRoles, DateTimeOffset.MinValue)))];
    }

    /// <summary>The reason given for an offboarded customer.</summary>
    /// <param name="offboarding">Its offboarding.</param>
    /// <returns>The reason.</returns>
    public static string Offboarded(CustomerOffboarding offboarding)
    {
        ArgumentNullException.ThrowIfNull(offboarding);
        return $"Offboarded on {Day(offboarding.At)} by {offboarding.By}: {offboarding.Summary} Start an onboarding to manage it again.";
    }

    static string Shortfall(CustomerRelationship relationship, IReadOnlyList<Guid> requiredRoles, DateTimeOffset now)
    {
        if (relationship.RoleTemplateIds.Count > 0 && relationship.RoleTemplateIds.All(r => r == RoleCatalog.GlobalAdministrator.TemplateId))
        {
            return $"'{relationship.Name}' grants only Global Administrator";
        }

        List<Guid> missing = Missing(relationship, requiredRoles);
        if (missing.Count > 0)
        {
            return $"'{relationship.Name}' lacks {missing.Count} bundle role(s): {string.Join(", ", missing.Select(RoleCatalog.NameOf))}";
        }

        return $"'{relationship.Name}' ends on {Day(relationship.EndDateTime)}, within {EndingSoon.TotalDays} days, and does not auto-extend";
    }

    static List<Guid> Missing(CustomerRelationship relationship, IReadOnlyList<Guid> requiredRoles) =>
        [.. requiredRoles.Where(r => !relationship.RoleTemplateIds.Contains(r))];

    static bool EndsSoon(CustomerRelationship relationship, DateTimeOffset now) =>
        !relationship.AutoExtends && (relationship.EndDateTime is null || relationship.EndDateTime.Value - now < EndingSoon);

    static string Day(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "an unknown date";
}

/// <summary>A relationship a migration replaces, and why.</summary>
/// <param name="Relationship">The relationship.</param>
/// <param name="Why">Why it is legacy, in words.</param>
public sealed record LegacyRelationship(CustomerRelationship Relationship, string Why);
