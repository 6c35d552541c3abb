using BundleFunctions.Gdap;

namespace BundleFunctions.Ports;

/// <summary>The partner's GDAP relationships (Graph <c>tenantRelationships/delegatedAdminRelationships</c>).</summary>
public interface IGdapRelationships
{
    /// <summary>Lists every relationship of the partner (all pages).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The relationships.</returns>
    Task<IReadOnlyList<RelationshipSnapshot>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates a relationship in status <c>created</c>.</summary>
    /// <param name="request">A request that passed <see cref="RelationshipRules"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new relationship, or null when its name was taken between our list and our create (Graph's 409).</returns>
    Task<RelationshipSnapshot?> CreateAsync(RelationshipRequest request, CancellationToken cancellationToken);

    /// <summary>Finalizes a <c>created</c> relationship so the customer can approve it (status <c>approvalPending</c>).</summary>
    /// <param name="relationshipId">The relationship.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Microsoft accepted the lock request.</returns>
    Task LockForApprovalAsync(RelationshipId relationshipId, CancellationToken cancellationToken);

    /// <summary>Turns on auto-extend (180 days) on an active relationship; Microsoft refuses it when Global Administrator is granted.</summary>
    /// <param name="relationshipId">The relationship.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Microsoft accepted the change.</returns>
    Task EnableAutoExtendAsync(RelationshipId relationshipId, CancellationToken cancellationToken);

    /// <summary>
    /// Removes Global Administrator from an active relationship, keeping its other roles: Microsoft runs it as a
    /// long-running operation. Without Global Administrator the relationship may auto-extend.
    /// </summary>
    /// <param name="relationshipId">The relationship.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when the removal was started; false when the relationship does not include Global Administrator.</returns>
    /// <exception cref="StepFailedException">The relationship is not active, or Microsoft refused.</exception>
    Task<bool> RemoveGlobalAdministratorAsync(RelationshipId relationshipId, CancellationToken cancellationToken);

    /// <summary>
    /// Asks Microsoft to end an active relationship (a <c>terminate</c> request; Microsoft then deprovisions it through
    /// <c>terminating</c> to <c>terminated</c>). A request already made, perhaps by an earlier call whose answer was lost, is
    /// not made twice.
    /// </summary>
    /// <param name="relationshipId">An active relationship.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Microsoft accepted the request.</returns>
    /// <exception cref="StepFailedException">Microsoft refused.</exception>
    Task TerminateAsync(RelationshipId relationshipId, CancellationToken cancellationToken);

    /// <summary>Deletes an access assignment (Microsoft then moves it through <c>deleting</c> to <c>deleted</c>); one already gone is success.</summary>
    /// <param name="relationshipId">The relationship.</param>
    /// <param name="assignmentId">The assignment.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Microsoft accepted the deletion.</returns>
    /// <exception cref="StepFailedException">Microsoft refused.</exception>
    Task DeleteAccessAssignmentAsync(RelationshipId relationshipId, string assignmentId, CancellationToken cancellationToken);

    /// <summary>Reads one relationship.</summary>
    /// <param name="relationshipId">The relationship.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The relationship, or null when Microsoft no longer knows it.</returns>
    Task<RelationshipSnapshot?> GetAsync(RelationshipId relationshipId, CancellationToken cancellationToken);

    /// <summary>Lists the relationship's access assignments (all pages), deleted ones included.</summary>
    /// <param name="relationshipId">The relationship.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The assignments.</returns>
    Task<IReadOnlyList<AccessAssignmentSnapshot>> ListAccessAssignmentsAsync(RelationshipId relationshipId, CancellationToken cancellationToken);

    /// <summary>Gives a partner group one role in the customer tenant.</summary>
    /// <param name="relationshipId">An active relationship.</param>
    /// <param name="groupId">The partner group (access container).</param>
    /// <param name="roleTemplateId">The role.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new assignment (status <c>pending</c>).</returns>
    Task<AccessAssignmentSnapshot> CreateAccessAssignmentAsync(RelationshipId relationshipId, string groupId, Guid roleTemplateId, CancellationToken cancellationToken);
}

/// <summary>An access assignment as Graph reports it.</summary>
/// <param name="Id">Its ID.</param>
/// <param name="GroupId">The partner group it serves.</param>
/// <param name="Status">Graph's status: <c>pending</c>, <c>active</c>, <c>deleting</c>, <c>deleted</c>, <c>error</c>.</param>
/// <param name="RoleTemplateIds">Its roles.</param>
public sealed record AccessAssignmentSnapshot(string Id, string GroupId, string Status, IReadOnlyList<Guid> RoleTemplateIds)
{
    /// <summary>Whether it grants or is about to grant access (only one such per group is allowed).</summary>
    public bool IsLive => this.Status is "pending" or "active";
}

/// <summary>A relationship as Graph reports it.</summary>
/// <param name="Id">The relationship ID.</param>
/// <param name="DisplayName">Its name.</param>
/// <param name="CustomerTenantId">The customer, when Graph names one.</param>
/// <param name="Status">Its lifecycle status.</param>
/// <param name="RoleTemplateIds">The roles it grants.</param>
/// <param name="EndDateTime">When it ends (set once active).</param>
/// <param name="AutoExtendDuration">How long it renews itself by; zero when it does not.</param>
/// <param name="CustomerName">The customer's name as the relationship gives it.</param>
public sealed record RelationshipSnapshot(
    string Id,
    string DisplayName,
    Guid? CustomerTenantId,
    RelationshipStatus Status,
    IReadOnlyList<Guid> RoleTemplateIds,
    DateTimeOffset? EndDateTime = null,
    TimeSpan AutoExtendDuration = default,
    string? CustomerName = null);

/// <summary>Graph's <c>delegatedAdminRelationshipStatus</c>.</summary>
public enum RelationshipStatus
{
    /// <summary>A value this version does not know.</summary>
    Unknown,

    /// <summary>Created, still editable by the partner.</summary>
    Created,

    /// <summary>Locked; waiting for the customer.</summary>
    ApprovalPending,

    /// <summary>The customer approved.</summary>
    Approved,

    /// <summary>Being provisioned.</summary>
    Activating,

    /// <summary>Provisioned and usable.</summary>
    Active,

    /// <summary>Past its end date.</summary>
    Expiring,

    /// <summary>Deprovisioned after expiry.</summary>
    Expired,

    /// <summary>Termination was requested.</summary>
    TerminationRequested,

    /// <summary>Being deprovisioned after termination.</summary>
    Terminating,

    /// <summary>Deprovisioned after termination.</summary>
    Terminated,
}
