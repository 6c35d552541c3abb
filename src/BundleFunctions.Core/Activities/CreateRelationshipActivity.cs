using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Finds or creates the customer's relationship and locks it for approval. Safe to run again: a relationship this customer
/// already has under one of the candidate names is adopted instead of tripping Graph's uniqueness rule, and a name held by
/// another customer (or by a dead or superseded relationship) moves us on to the next candidate.
/// </summary>
/// <param name="relationships">The partner's relationships.</param>
/// <param name="time">The clock (an adopted relationship must not end within 30 days).</param>
public sealed class CreateRelationshipActivity(IGdapRelationships relationships, TimeProvider time) : TaskActivity<RelationshipPlacementRequest, RelationshipPlacement>
{
    static readonly HashSet<RelationshipStatus> Usable =
        [RelationshipStatus.Created, RelationshipStatus.ApprovalPending, RelationshipStatus.Approved, RelationshipStatus.Activating, RelationshipStatus.Active];

    /// <inheritdoc />
    public override async Task<RelationshipPlacement> RunAsync(TaskActivityContext context, RelationshipPlacementRequest placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        RelationshipRequest input = placement.Request;
        if (placement.Adopt is { } adopt)
        {
            return await this.AdoptAsync(placement, adopt);
        }

        // A name taken between our list and our create (onboardings started together want the same initials) is read
        // again at once: a retry of the whole activity would wait its back-off for nothing.
        for (int look = 1; look <= MaxLooks; look++)
        {
            if (await this.PlaceAsync(placement) is { } placed)
            {
                return placed;
            }
        }

        throw new InvalidOperationException($"Every name tried for '{input.DisplayName}' was taken meanwhile, {MaxLooks} times over; the retry reads the relationships again.");
    }

    const int MaxLooks = 5;

    /// <summary>The relationship the operator named, when it can serve as is: active, this customer's, every role asked for, not about to end.</summary>
    async Task<RelationshipPlacement> AdoptAsync(RelationshipPlacementRequest placement, string relationshipId)
    {
        RelationshipRequest wanted = placement.Request;
        RelationshipSnapshot? found = await relationships.GetAsync(RelationshipId.Parse(relationshipId), CancellationToken.None);
        List<Guid> missing = [.. wanted.RoleTemplateIds.Except(found?.RoleTemplateIds ?? [])];
        string? refusal = found switch
        {
            null => $"Relationship {relationshipId} does not exist at Microsoft",
            _ when found.CustomerTenantId != wanted.CustomerTenantId => $"Relationship '{found.DisplayName}' is with customer {found.CustomerTenantId}, not {wanted.CustomerTenantId}",
            _ when placement.Superseded.Contains(found.Id) => $"Relationship '{found.DisplayName}' was given up by this onboarding",
            _ when found.Status != RelationshipStatus.Active => $"Relationship '{found.DisplayName}' is {Onboarding.WireName.Of(found.Status)}, not active",
            _ when missing.Count > 0 => $"Relationship '{found.DisplayName}' lacks {missing.Count} of the roles asked for ({string.Join(", ", missing.Select(RoleCatalog.NameOf))})",
            _ when found.AutoExtendDuration == TimeSpan.Zero && found.EndDateTime - time.GetUtcNow() < Customers.CustomerDiscovery.EndingSoon =>
                $"Relationship '{found.DisplayName}' ends on {found.EndDateTime:yyyy-MM-dd}, within {Customers.CustomerDiscovery.EndingSoon.TotalDays} days, and does not auto-extend",
            _ => null,
        };
        if (refusal is not null)
        {
            throw new StepFailedException($"{refusal}: it cannot be adopted. Fix: cancel this onboarding and start it again without adoptRelationshipId, which requests a new relationship from the customer (GET /api/customers/{wanted.CustomerTenantId} names a relationship that covers the customer, if one does).");
        }

        return new RelationshipPlacement(found!.Id, found.DisplayName, Adopted: true, RelationshipStatus.Active);
    }

    async Task<RelationshipPlacement?> PlaceAsync(RelationshipPlacementRequest placement)
    {
        RelationshipRequest input = placement.Request;
        IReadOnlyList<RelationshipSnapshot> existing = await relationships.ListAsync(CancellationToken.None);
        ILookup<string, RelationshipSnapshot> byName = existing.ToLookup(r => r.DisplayName, StringComparer.OrdinalIgnoreCase);

        foreach (string name in RelationshipName.Candidates(input.DisplayName, input.CustomerTenantId))
        {
            if (!byName.Contains(name))
            {
                if (await relationships.CreateAsync(input with { DisplayName = name }, CancellationToken.None) is not { } created)
                {
                    return null; // taken meanwhile: perhaps by us (a lost answer), so read again rather than rename
                }

                await relationships.LockForApprovalAsync(RelationshipId.Parse(created.Id), CancellationToken.None);
                return new RelationshipPlacement(created.Id, name, Adopted: false, RelationshipStatus.ApprovalPending);
            }

            RelationshipSnapshot? ours = byName[name].FirstOrDefault(r =>
                r.CustomerTenantId == input.CustomerTenantId && Usable.Contains(r.Status) && !placement.Superseded.Contains(r.Id));
            if (ours is not null)
            {
                if (ours.Status == RelationshipStatus.Created)
                {
                    await relationships.LockForApprovalAsync(RelationshipId.Parse(ours.Id), CancellationToken.None);
                }

                RelationshipStatus status = ours.Status == RelationshipStatus.Created ? RelationshipStatus.ApprovalPending : ours.Status;
                return new RelationshipPlacement(ours.Id, name, Adopted: true, status);
            }
        }

        throw new InvalidOperationException("Unreachable: the candidate names never run out.");
    }
}

/// <summary>Input of <see cref="CreateRelationshipActivity"/>.</summary>
/// <param name="Request">The relationship wanted.</param>
/// <param name="Superseded">Relationships this onboarding gave up on (e.g. missing roles): never adopted again.</param>
/// <param name="Adopt">The existing relationship the operator asked to adopt instead of requesting one; null to find or create.</param>
public sealed record RelationshipPlacementRequest(RelationshipRequest Request, IReadOnlyList<string> Superseded, string? Adopt = null);

/// <summary>The relationship an onboarding uses.</summary>
/// <param name="RelationshipId">Its ID.</param>
/// <param name="DisplayName">The name it got (may carry a suffix when the wanted name was taken).</param>
/// <param name="Adopted">Whether it already existed.</param>
/// <param name="Status">Its status after this step.</param>
public sealed record RelationshipPlacement(string RelationshipId, string DisplayName, bool Adopted, RelationshipStatus Status)
{
    /// <summary>A one-line account for the step's message.</summary>
    /// <returns>E.g. <c>Created 'CPL-GDAP' and locked it for approval.</c>.</returns>
    public string Describe() => this.Adopted
        ? $"Adopted the existing relationship '{this.DisplayName}' ({this.Status})."
        : $"Created '{this.DisplayName}' and locked it for approval.";
}
