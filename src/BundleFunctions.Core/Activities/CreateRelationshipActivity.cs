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
public sealed class CreateRelationshipActivity(IGdapRelationships relationships) : TaskActivity<RelationshipPlacementRequest, RelationshipPlacement>
{
    static readonly HashSet<RelationshipStatus> Usable =
        [RelationshipStatus.Created, RelationshipStatus.ApprovalPending, RelationshipStatus.Approved, RelationshipStatus.Activating, RelationshipStatus.Active];

    /// <inheritdoc />
    public override async Task<RelationshipPlacement> RunAsync(TaskActivityContext context, RelationshipPlacementRequest placement)
    {
        ArgumentNullException.ThrowIfNull(placement);
        RelationshipRequest input = placement.Request;

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
public sealed record RelationshipPlacementRequest(RelationshipRequest Request, IReadOnlyList<string> Superseded);

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
