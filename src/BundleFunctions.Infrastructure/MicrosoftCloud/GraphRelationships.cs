using BundleFunctions.Gdap;
using BundleFunctions.Ports;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using RelationshipStatus = BundleFunctions.Ports.RelationshipStatus;

namespace BundleFunctions.Infrastructure.MicrosoftCloud;

/// <summary>
/// The partner's GDAP relationships through Graph. Each call builds a fresh model: the SDK's backing store serializes only
/// values changed since the model was last sent, so a reused model would go out empty.
/// </summary>
/// <param name="connection">The Microsoft cloud connection.</param>
public sealed class GraphRelationships(MicrosoftCloudConnection connection) : IGdapRelationships
{
    GraphServiceClient Graph => connection.GraphFor(connection.Options.PartnerTenantId);

    /// <inheritdoc />
    public async Task<IReadOnlyList<RelationshipSnapshot>> ListAsync(CancellationToken cancellationToken)
    {
        DelegatedAdminRelationshipCollectionResponse? first = await GraphErrors.Explain("Listing the partner's GDAP relationships", () =>
            this.Graph.TenantRelationships.DelegatedAdminRelationships.GetAsync(r => r.QueryParameters.Top = 300, cancellationToken));
        return [.. (await GraphPages.AllAsync<DelegatedAdminRelationship, DelegatedAdminRelationshipCollectionResponse>(this.Graph, first, cancellationToken)).Select(ToSnapshot)];
    }

    /// <inheritdoc />
    public async Task<RelationshipSnapshot?> CreateAsync(RelationshipRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            DelegatedAdminRelationship? created = await GraphErrors.Explain($"Creating the relationship '{request.DisplayName}'", () =>
                this.Graph.TenantRelationships.DelegatedAdminRelationships.PostAsync(
                    new DelegatedAdminRelationship
                    {
                        DisplayName = request.DisplayName,
                        Duration = request.Duration,
                        AutoExtendDuration = request.AutoExtendDuration,
                        Customer = new DelegatedAdminRelationshipCustomerParticipant { TenantId = request.CustomerTenantId.ToString(), DisplayName = request.CustomerName },
                        AccessDetails = new DelegatedAdminAccessDetails { UnifiedRoles = [.. request.RoleTemplateIds.Select(r => new UnifiedRole { RoleDefinitionId = r.ToString() })] },
                    },
                    cancellationToken: cancellationToken));
            return ToSnapshot(created!);
        }
        catch (ODataError conflict) when (conflict.ResponseStatusCode == 409)
        {
            // Someone took the name between our list and our create (another onboarding, or our own earlier create whose
            // answer was lost): the caller lists again and adopts or renames.
            return null;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Locking is a request resource with its own status that Microsoft completes a little later: an earlier attempt's
    /// request (its answer perhaps lost) is found and not sent twice, and the call returns once the relationship is
    /// <c>approvalPending</c>, so the approval link is never published for a relationship the customer cannot yet approve.
    /// </remarks>
    public async Task LockForApprovalAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        RelationshipSnapshot? now = await this.GetAsync(relationshipId, cancellationToken);
        if (now?.Status == RelationshipStatus.Created)
        {
            await this.RequestOnceAsync(relationshipId, DelegatedAdminRelationshipRequestAction.LockForApproval, "Locking the relationship for approval was refused", [400], cancellationToken);

            now = await connection.Resilience.UntilAsync(
                () => this.GetAsync(relationshipId, cancellationToken),
                seen => seen?.Status != RelationshipStatus.Created,
                $"Microsoft has not finished locking relationship {relationshipId} for approval yet.",
                cancellationToken);
        }

        if (now?.Status is not (RelationshipStatus.ApprovalPending or RelationshipStatus.Approved or RelationshipStatus.Activating or RelationshipStatus.Active))
        {
            throw new StepFailedException($"The relationship cannot be locked for approval: it is {now?.Status.ToString() ?? "gone"}. Retry to create a new one.");
        }
    }

    /// <inheritdoc />
    public async Task EnableAutoExtendAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        // PATCH needs the current ETag; a fresh model carries only the one changed value.
        DelegatedAdminRelationship current = (await this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value].GetAsync(cancellationToken: cancellationToken))!;
        await GraphErrors.Explain($"Turning on auto-extend for {relationshipId}", () => this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value].PatchAsync(
            new DelegatedAdminRelationship { AutoExtendDuration = RelationshipRules.AutoExtendPeriod },
            r => r.Headers.Add("If-Match", current.AdditionalData["@odata.etag"].ToString()!),
            cancellationToken));
    }

    /// <inheritdoc />
    public async Task<bool> RemoveGlobalAdministratorAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        DelegatedAdminRelationship current = (await GraphErrors.Explain($"Reading {relationshipId}", () =>
            this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value].GetAsync(cancellationToken: cancellationToken)))!;
        RelationshipSnapshot snapshot = ToSnapshot(current);
        Guid globalAdministrator = RoleCatalog.GlobalAdministrator.TemplateId;
        if (!snapshot.RoleTemplateIds.Contains(globalAdministrator))
        {
            return false;
        }

        if (snapshot.Status != RelationshipStatus.Active)
        {
            throw new StepFailedException($"Global Administrator can be removed only from an active relationship; '{snapshot.DisplayName}' is {snapshot.Status}.");
        }

        // Removal is a long-running operation: one already under way (an earlier call whose answer was lost) is not asked for twice.
        List<DelegatedAdminRelationshipOperation> operations = await GraphPages.AllAsync<DelegatedAdminRelationshipOperation, DelegatedAdminRelationshipOperationCollectionResponse>(
            this.Graph, await this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value].Operations.GetAsync(cancellationToken: cancellationToken), cancellationToken);
        if (operations.Any(o => o.Status is LongRunningOperationStatus.NotStarted or LongRunningOperationStatus.Running))
        {
            return true;
        }

        // Every other role, as the relationship holds them: Microsoft reads "all but Global Administrator" as the removal.
        await GraphErrors.Explain($"Removing Global Administrator from '{snapshot.DisplayName}'", () => this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value].PatchAsync(
            new DelegatedAdminRelationship
            {
                AccessDetails = new DelegatedAdminAccessDetails
                {
                    UnifiedRoles = [.. snapshot.RoleTemplateIds.Where(r => r != globalAdministrator).Select(r => new UnifiedRole { RoleDefinitionId = r.ToString() })],
                },
            },
            r => r.Headers.Add("If-Match", current.AdditionalData["@odata.etag"].ToString()!),
            cancellationToken));
        return true;
    }

    /// <inheritdoc />
    public Task TerminateAsync(RelationshipId relationshipId, CancellationToken cancellationToken) =>
        this.RequestOnceAsync(relationshipId, DelegatedAdminRelationshipRequestAction.Terminate, $"Ending relationship {relationshipId} was refused by Microsoft Graph", [400, 403, 404], cancellationToken);

    /// <summary>
    /// Posts a request (<c>lockForApproval</c>, <c>terminate</c>) on a relationship unless one with that action is already
    /// there and not failed — an earlier attempt whose answer was lost — so it is never made twice. A refusal with one of
    /// <paramref name="refusals"/> is the step's failure, in Microsoft's words.
    /// </summary>
    async Task RequestOnceAsync(RelationshipId relationshipId, DelegatedAdminRelationshipRequestAction action, string refusedAs, int[] refusals, CancellationToken cancellationToken)
    {
        var relationship = this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value];
        List<DelegatedAdminRelationshipRequest> requests = await GraphPages.AllAsync<DelegatedAdminRelationshipRequest, DelegatedAdminRelationshipRequestCollectionResponse>(
            this.Graph, await relationship.Requests.GetAsync(cancellationToken: cancellationToken), cancellationToken);
        if (requests.Any(q => q.Action == action && q.Status is not DelegatedAdminRelationshipRequestStatus.Failed))
        {
            return;
        }

        try
        {
            await relationship.Requests.PostAsync(new DelegatedAdminRelationshipRequest { Action = action }, cancellationToken: cancellationToken);
        }
        catch (ODataError refused) when (refusals.Contains(refused.ResponseStatusCode))
        {
            throw new StepFailedException($"{refusedAs}: {refused.Error?.Message}", refused);
        }
    }

    /// <inheritdoc />
    public async Task DeleteAccessAssignmentAsync(RelationshipId relationshipId, string assignmentId, CancellationToken cancellationToken)
    {
        var assignment = this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value].AccessAssignments[assignmentId];
        try
        {
            // DELETE needs the current ETag (If-Match is required).
            DelegatedAdminAccessAssignment current = (await assignment.GetAsync(cancellationToken: cancellationToken))!;
            if (current.Status is DelegatedAdminAccessAssignmentStatus.Deleting or DelegatedAdminAccessAssignmentStatus.Deleted)
            {
                return;
            }

            await assignment.DeleteAsync(r => r.Headers.Add("If-Match", current.AdditionalData["@odata.etag"].ToString()!), cancellationToken);
        }
        catch (ODataError gone) when (gone.ResponseStatusCode == 404)
        {
            // Already deleted: what was asked for is so.
        }
        catch (ODataError refused) when (refused.ResponseStatusCode is 400 or 403 or 409 or 412)
        {
            throw new StepFailedException($"Removing access assignment {assignmentId} of relationship {relationshipId} was refused by Microsoft Graph: {refused.Error?.Message} Retry.", refused);
        }
    }

    /// <inheritdoc />
    public async Task<RelationshipSnapshot?> GetAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        try
        {
            DelegatedAdminRelationship? found = await this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value].GetAsync(cancellationToken: cancellationToken);
            return found is null ? null : ToSnapshot(found);
        }
        catch (ODataError missing) when (missing.ResponseStatusCode == 404)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AccessAssignmentSnapshot>> ListAccessAssignmentsAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        DelegatedAdminAccessAssignmentCollectionResponse? first = await GraphErrors.Explain("Listing the relationship's access assignments", () =>
            this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value].AccessAssignments.GetAsync(cancellationToken: cancellationToken));
        return [.. (await GraphPages.AllAsync<DelegatedAdminAccessAssignment, DelegatedAdminAccessAssignmentCollectionResponse>(this.Graph, first, cancellationToken)).Select(ToSnapshot)];
    }

    /// <inheritdoc />
    public async Task<AccessAssignmentSnapshot> CreateAccessAssignmentAsync(RelationshipId relationshipId, string groupId, Guid roleTemplateId, CancellationToken cancellationToken)
    {
        try
        {
            // A group created moments ago may not be visible to the GDAP service yet ("access container does not exist").
            DelegatedAdminAccessAssignment created = await connection.Resilience.UntilReplicatedAsync(
                async () => (await this.Graph.TenantRelationships.DelegatedAdminRelationships[relationshipId.Value].AccessAssignments.PostAsync(
                    new DelegatedAdminAccessAssignment
                    {
                        AccessContainer = new DelegatedAdminAccessContainer { AccessContainerId = groupId, AccessContainerType = DelegatedAdminAccessContainerType.SecurityGroup },
                        AccessDetails = new DelegatedAdminAccessDetails { UnifiedRoles = [new UnifiedRole { RoleDefinitionId = roleTemplateId.ToString() }] },
                    },
                    cancellationToken: cancellationToken))!,
                cancellationToken);
            return ToSnapshot(created);
        }
        catch (ODataError conflict) when (conflict.ResponseStatusCode == 409)
        {
            // One live assignment per group: an earlier attempt made it. Return that one.
            return (await this.ListAccessAssignmentsAsync(relationshipId, cancellationToken)).First(a => a.GroupId == groupId && a.IsLive);
        }
        catch (ODataError refused) when (refused.ResponseStatusCode is >= 400 and < 500 and not 429)
        {
            throw new StepFailedException(
                $"Giving {RoleCatalog.NameOf(roleTemplateId)} to group {groupId} was refused by Microsoft Graph: {refused.Error?.Message} If the group was deleted, retry: the retry recreates it before assigning.",
                refused);
        }
    }

    static RelationshipSnapshot ToSnapshot(DelegatedAdminRelationship r) => new(
        r.Id!,
        r.DisplayName ?? string.Empty,
        Guid.TryParse(r.Customer?.TenantId, out Guid customer) ? customer : null,
        Enum.TryParse(r.Status?.ToString(), ignoreCase: true, out RelationshipStatus status) ? status : RelationshipStatus.Unknown,
        [.. (r.AccessDetails?.UnifiedRoles ?? []).Select(u => Guid.TryParse(u.RoleDefinitionId, out Guid id) ? id : Guid.Empty).Where(id => id != Guid.Empty)],
        r.EndDateTime,
        r.AutoExtendDuration ?? TimeSpan.Zero,
        r.Customer?.DisplayName);

    static AccessAssignmentSnapshot ToSnapshot(DelegatedAdminAccessAssignment a) => new(
        a.Id!,
        a.AccessContainer?.AccessContainerId ?? string.Empty,
        a.Status is { } s ? char.ToLowerInvariant(s.ToString()[0]) + s.ToString()[1..] : "unknown",
        [.. (a.AccessDetails?.UnifiedRoles ?? []).Select(u => Guid.TryParse(u.RoleDefinitionId, out Guid id) ? id : Guid.Empty).Where(id => id != Guid.Empty)]);
}
