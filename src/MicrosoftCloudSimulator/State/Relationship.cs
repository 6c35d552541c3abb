namespace MicrosoftCloudSimulator.State;

/// <summary>
/// A GDAP relationship (<c>delegatedAdminRelationship</c>) with its sub-resources, and its state machine: the changes a
/// partner may ask for and Graph's answer to each (a <see cref="Refusal"/>, or the change applied), and the transitions
/// Microsoft makes on its own as time passes (<see cref="Advance"/>). Rules cite learn.microsoft.com/graph/api/resources/delegatedadminrelationship.
/// </summary>
public sealed class Relationship
{
    /// <summary>The resource URI Partner Center's webhook events name.</summary>
    public const string WebhookResourceBase = "https://partner.microsoft.com/granularAdminRelationships/";

    public required string Id { get; init; }

    public required string DisplayName { get; set; }

    public required TimeSpan Duration { get; set; }

    public TimeSpan AutoExtendDuration { get; set; }

    public Guid? CustomerTenantId { get; set; }

    public string? CustomerDisplayName { get; set; }

    public List<Guid> Roles { get; set; } = [];

    public string Status { get; set; } = RelationshipStatuses.Created;

    public required DateTimeOffset CreatedDateTime { get; init; }

    public DateTimeOffset LastModifiedDateTime { get; set; }

    public DateTimeOffset? ActivatedDateTime { get; set; }

    public DateTimeOffset? EndDateTime { get; set; }

    /// <summary>When the status last changed (drives the timed transitions).</summary>
    public DateTimeOffset StatusSince { get; set; }

    /// <summary>Bumped on every change; the ETag is derived from it.</summary>
    public int Version { get; set; } = 1;

    public string ETag => $"W/\"{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{this.Id}:{this.Version}"))}\"";

    public string WebhookResource => WebhookResourceBase + this.Id;

    public List<RelationshipRequest> Requests { get; } = [];

    public List<AccessAssignment> AccessAssignments { get; } = [];

    public List<Operation> Operations { get; } = [];

    /// <summary>Whether a lockForApproval request was accepted and Microsoft has not yet moved the relationship on.</summary>
    public bool IsLocking => this.Status == RelationshipStatuses.Created && this.LockInProgress;

    bool LockInProgress => this.Requests.Any(q => q.Action == RequestValues.LockForApproval && q.Status is RequestValues.Created or RequestValues.Running);

    /// <summary>
    /// A PATCH. On an active relationship only auto-extend may change, and Global Administrator may be removed, which is a
    /// long-running operation ("You can only remove the Microsoft Entra Global Administrator role when the status property
    /// is active, which indicates a long-running operation": learn.microsoft.com/graph/api/delegatedadminrelationship-update).
    /// Other properties change only in status created, and not while it is being locked. Everything is checked before
    /// anything changes: a refused PATCH leaves the relationship as it was.
    /// </summary>
    /// <returns>The refusal, or the operation started (Global Administrator removal), or neither when applied at once.</returns>
    public (Refusal? Refused, Operation? Started) Update(RelationshipPatch patch, IEnumerable<Relationship> all, DateTimeOffset now)
    {
        if (this.Status == RelationshipStatuses.Active)
        {
            return this.UpdateActive(patch, now);
        }

        if (this.Status != RelationshipStatuses.Created || this.IsLocking)
        {
            return (Refusal.BadRequest($"The relationship cannot be updated in status '{this.Status}'{(this.IsLocking ? " while it is being locked for approval" : string.Empty)}."), null);
        }

        string newName = patch.DisplayName ?? this.DisplayName;
        if (newName.Length is 0 or > 50 || all.Any(o => o != this && string.Equals(o.DisplayName, newName, StringComparison.OrdinalIgnoreCase)))
        {
            return (Refusal.Conflict($"The display name '{newName}' is invalid or already used."), null);
        }

        TimeSpan newDuration = this.Duration, newAutoExtend = this.AutoExtendDuration;
        if (patch.Duration is { } duration)
        {
            if (GdapRules.CheckDuration(duration.Value) is { } refused)
            {
                return (refused, null);
            }

            newDuration = duration.Value!.Value;
        }

        if (patch.AutoExtend is { } autoExtend)
        {
            if (GdapRules.CheckAutoExtend(autoExtend.Value) is { } refused)
            {
                return (refused, null);
            }

            newAutoExtend = autoExtend.Value!.Value;
        }

        List<Guid> newRoles = patch.Roles ?? this.Roles;
        if (GdapRules.CheckGlobalAdministrator(newAutoExtend, newRoles) is { } gaRefused)
        {
            return (gaRefused, null);
        }

        (this.DisplayName, this.Duration, this.AutoExtendDuration, this.Roles) = (newName, newDuration, newAutoExtend, newRoles);
        this.Touch(now);
        return (null, null);
    }

    (Refusal? Refused, Operation? Started) UpdateActive(RelationshipPatch patch, DateTimeOffset now)
    {
        if (patch.Properties.Any(p => p is not ("autoExtendDuration" or "accessDetails")))
        {
            return (Refusal.BadRequest("Only autoExtendDuration can be updated on an active relationship; other properties can be updated only in status 'created'."), null);
        }

        if (patch.AutoExtend is { } autoExtend)
        {
            if ((GdapRules.CheckAutoExtend(autoExtend.Value) ?? GdapRules.CheckGlobalAdministrator(autoExtend.Value!.Value, this.Roles)) is { } refused)
            {
                return (refused, null);
            }

            this.AutoExtendDuration = autoExtend.Value!.Value;
            this.Touch(now);
        }

        Guid ga = DirectoryRoles.GlobalAdministrator;
        if (patch.Roles is { } roles && this.Roles.Contains(ga) && !roles.Contains(ga) && roles.ToHashSet().SetEquals(this.Roles.Where(x => x != ga)))
        {
            if (this.Operations.Any(o => o.Status is RequestValues.NotStarted or RequestValues.Running))
            {
                return (Refusal.Conflict("An operation on this relationship is already in progress."), null);
            }

            Operation operation = new() { Id = Guid.NewGuid(), OperationType = "delegatedAdminRelationshipUpdate", Data = "{\"removedRole\":\"" + ga + "\"}", CreatedDateTime = now, LastModifiedDateTime = now, RolesAfter = roles };
            this.Operations.Add(operation);
            return (null, operation);
        }

        return (null, null);
    }

    /// <summary>Only a relationship in status created that is not being locked can be deleted.</summary>
    public Refusal? CheckDeletable() => this.Status != RelationshipStatuses.Created || this.IsLocking
        ? Refusal.BadRequest($"Only a relationship in status 'created' that is not being locked can be deleted; this one is '{this.Status}'.")
        : null;

    /// <summary>
    /// A request (<c>lockForApproval</c> on a created relationship, completed later by <see cref="Advance"/>; <c>terminate</c>
    /// on an active one, which starts its deprovisioning at once).
    /// </summary>
    public (RelationshipRequest? Request, Refusal? Refused) Request(string? action, DateTimeOffset now)
    {
        switch (action)
        {
            case RequestValues.LockForApproval when this.Status == RelationshipStatuses.Created && this.LockInProgress:
                return (null, Refusal.BadRequest("A lockForApproval request for this relationship is already in progress."));
            case RequestValues.LockForApproval when this.Status == RelationshipStatuses.Created:
                break;
            case RequestValues.Terminate when this.Status == RelationshipStatuses.Active:
                this.MoveTo(RelationshipStatuses.TerminationRequested, now);
                break;
            case RequestValues.LockForApproval or RequestValues.Terminate:
                return (null, Refusal.BadRequest($"The action '{action}' is not allowed on a relationship in status '{this.Status}'."));
            default:
                return (null, Refusal.BadRequest($"The action '{action}' is not supported; use lockForApproval or terminate."));
        }

        RelationshipRequest request = new()
        {
            Id = Guid.NewGuid(),
            Action = action,
            Status = action == RequestValues.Terminate ? RequestValues.Succeeded : RequestValues.Created,
            CreatedDateTime = now,
            LastModifiedDateTime = now,
        };
        this.Requests.Add(request);
        return (request, null);
    }

    /// <summary>The customer's Global Administrator approves: approvalPending → approved (the rest follows on the clock).</summary>
    /// <returns>Null on success, else why the approval is refused.</returns>
    public string? Approve(Tenant customer, DateTimeOffset now)
    {
        if (this.Status != RelationshipStatuses.ApprovalPending)
        {
            return $"Relationship '{this.Id}' is '{this.Status}', not 'approvalPending'.";
        }

        if (this.CustomerTenantId is Guid named && named != customer.Id)
        {
            return $"Relationship '{this.Id}' was created for customer '{named}', not '{customer.Id}'.";
        }

        this.CustomerTenantId = customer.Id;
        this.CustomerDisplayName ??= customer.DisplayName;
        this.MoveTo(RelationshipStatuses.Approved, now);
        return null;
    }

    /// <summary>
    /// An access assignment for one partner security group, with roles of the relationship, on an active relationship;
    /// one live assignment per group.
    /// </summary>
    /// <param name="groupId">The access container, or null when the body does not name a security group.</param>
    /// <param name="isPartnerSecurityGroup">Whether the partner tenant holds (and already shows) that security group.</param>
    /// <param name="roles">The roles asked for.</param>
    /// <param name="now">The simulated now.</param>
    public (AccessAssignment? Assignment, Refusal? Refused) Assign(Guid? groupId, Func<Guid, bool> isPartnerSecurityGroup, List<Guid>? roles, DateTimeOffset now)
    {
        if (this.Status != RelationshipStatuses.Active)
        {
            return (null, Refusal.BadRequest($"Access assignments can be created only on an active relationship; this one is '{this.Status}'."));
        }

        if (groupId is not Guid group)
        {
            return (null, Refusal.BadRequest("The accessContainer must name a securityGroup by its accessContainerId."));
        }

        if (!isPartnerSecurityGroup(group))
        {
            return (null, Refusal.BadRequest($"The access container does not exist: '{group}' is not a security group in the partner tenant."));
        }

        if (roles is not { Count: > 0 })
        {
            return (null, Refusal.BadRequest("The accessDetails must contain at least one unifiedRole."));
        }

        if (roles.Except(this.Roles).ToList() is { Count: > 0 } outside)
        {
            return (null, Refusal.BadRequest($"The roles {string.Join(", ", outside)} are not part of the relationship's accessDetails."));
        }

        if (this.AccessAssignments.Any(a => a.GroupId == group && a.IsLive))
        {
            return (null, Refusal.Conflict("An access assignment already exists for this security group on this relationship."));
        }

        AccessAssignment assignment = new() { Id = Guid.NewGuid(), GroupId = group, Roles = roles, CreatedDateTime = now, LastModifiedDateTime = now, StatusSince = now };
        this.AccessAssignments.Add(assignment);
        return (assignment, null);
    }

    /// <summary>A live assignment by id, or null.</summary>
    public AccessAssignment? LiveAssignment(string assignmentId) => this.AccessAssignments.FirstOrDefault(a => a.Id.ToString() == assignmentId && a.IsLive);

    /// <summary>New roles for an assignment: a long-running operation when they differ, nothing when they do not.</summary>
    public (Operation? Started, Refusal? Refused) ChangeRoles(AccessAssignment assignment, List<Guid>? roles, string data, DateTimeOffset now)
    {
        if (roles is not { Count: > 0 })
        {
            return (null, Refusal.BadRequest("The accessDetails must contain at least one unifiedRole."));
        }

        if (roles.ToHashSet().SetEquals(assignment.Roles))
        {
            return (null, null);
        }

        assignment.Roles = roles;
        assignment.LastModifiedDateTime = now;
        assignment.Version++;
        Operation operation = new() { Id = Guid.NewGuid(), OperationType = "delegatedAdminAccessAssignmentUpdate", Data = data, CreatedDateTime = now };
        this.Operations.Add(operation);
        return (operation, null);
    }

    /// <summary>Deleting an assignment: deleting now, deleted after deprovisioning (<see cref="Advance"/>).</summary>
    public static void Delete(AccessAssignment assignment, DateTimeOffset now) => assignment.MoveTo(AssignmentStatuses.Deleting, now);

    /// <summary>
    /// What Microsoft's back end does on its own by <paramref name="now"/>: finishes lock requests and operations, moves
    /// the status along (approved → activating → active; end date → expiring → expired unless auto-extended; terminate →
    /// terminating → terminated), activates and deletes assignments. Each documented event is passed to <paramref name="raise"/>.
    /// </summary>
    public void Advance(DateTimeOffset now, GdapTimings timings, Action<string, string> raise)
    {
        ArgumentNullException.ThrowIfNull(timings);
        ArgumentNullException.ThrowIfNull(raise);
        TimeSpan inStatus = now - this.StatusSince;
        foreach (RelationshipRequest lockRequest in this.Requests.Where(q => q.Action == RequestValues.LockForApproval && q.Status == RequestValues.Created && now - q.CreatedDateTime >= timings.LockDuration))
        {
            lockRequest.Status = RequestValues.Succeeded;
            lockRequest.LastModifiedDateTime = now;
            this.MoveTo(RelationshipStatuses.ApprovalPending, now);
        }

        foreach (Operation operation in this.Operations.Where(op => op.Status is RequestValues.NotStarted or RequestValues.Running))
        {
            TimeSpan age = now - operation.CreatedDateTime;
            if (age >= timings.OperationDuration)
            {
                operation.Status = RequestValues.Succeeded;
                operation.LastModifiedDateTime = now;
                this.Roles = operation.RolesAfter ?? this.Roles;
                this.Touch(now);
            }
            else if (operation.Status == RequestValues.NotStarted && age >= timings.OperationDuration / 2)
            {
                operation.Status = RequestValues.Running;
                operation.LastModifiedDateTime = now;
            }
        }

        switch (this.Status)
        {
            case RelationshipStatuses.ApprovalPending when inStatus >= timings.ApprovalRequestLifetime:
                this.MoveTo(RelationshipStatuses.Expired, now);
                raise("granular-admin-relationship-expired", this.WebhookResource);
                break;
            case RelationshipStatuses.Approved when inStatus >= timings.ApprovedToActivating:
                this.MoveTo(RelationshipStatuses.Activating, now);
                break;
            case RelationshipStatuses.Activating when inStatus >= timings.ActivatingToActive:
                this.MoveTo(RelationshipStatuses.Active, now);
                this.ActivatedDateTime = now;
                this.EndDateTime = now + this.Duration;
                raise("granular-admin-relationship-activated", this.WebhookResource);
                break;
            case RelationshipStatuses.Active when this.EndDateTime <= now:
                if (this.AutoExtendDuration > TimeSpan.Zero)
                {
                    // Auto-extend rolls the end date forward with no new consent and no documented event.
                    while (this.EndDateTime <= now)
                    {
                        this.EndDateTime += this.AutoExtendDuration;
                    }

                    this.Touch(now);
                }
                else
                {
                    this.MoveTo(RelationshipStatuses.Expiring, now);
                }

                break;
            case RelationshipStatuses.Expiring when inStatus >= timings.Deprovisioning:
                this.MoveTo(RelationshipStatuses.Expired, now);
                this.EndAssignments(now);
                raise("granular-admin-relationship-expired", this.WebhookResource);
                break;
            case RelationshipStatuses.TerminationRequested when inStatus >= timings.Deprovisioning:
                this.MoveTo(RelationshipStatuses.Terminating, now);
                break;
            case RelationshipStatuses.Terminating when inStatus >= timings.Deprovisioning:
                this.MoveTo(RelationshipStatuses.Terminated, now);
                this.EndAssignments(now);
                raise("granular-admin-relationship-terminated", this.WebhookResource);
                break;
        }

        foreach (AccessAssignment a in this.AccessAssignments)
        {
            TimeSpan assignmentAge = now - a.StatusSince;
            if (a.Status == AssignmentStatuses.Pending && this.Status == RelationshipStatuses.Active && assignmentAge >= timings.AssignmentActivation)
            {
                a.MoveTo(AssignmentStatuses.Active, now);
                raise("granular-admin-access-assignment-activated", $"{this.WebhookResource}/accessAssignments/{a.Id}");
            }
            else if (a.Status == AssignmentStatuses.Deleting && assignmentAge >= timings.Deprovisioning)
            {
                a.MoveTo(AssignmentStatuses.Deleted, now);
                raise("granular-admin-access-assignment-deleted", $"{this.WebhookResource}/accessAssignments/{a.Id}");
            }
        }
    }

    public void Touch(DateTimeOffset now)
    {
        this.LastModifiedDateTime = now;
        this.Version++;
    }

    void MoveTo(string status, DateTimeOffset now)
    {
        this.Status = status;
        this.StatusSince = now;
        this.Touch(now);
    }

    void EndAssignments(DateTimeOffset now)
    {
        foreach (AccessAssignment a in this.AccessAssignments.Where(a => a.IsLive || a.Status == AssignmentStatuses.Deleting))
        {
            a.MoveTo(AssignmentStatuses.Deleted, now);
        }
    }
}

/// <summary>A PATCH body as read from the wire.</summary>
/// <param name="Properties">Every property the body names.</param>
/// <param name="DisplayName">The new name, if given.</param>
/// <param name="Duration">The new duration, if given (its value null when not an ISO 8601 duration).</param>
/// <param name="AutoExtend">The new auto-extend duration, if given (likewise).</param>
/// <param name="Roles">The new roles, if given.</param>
public sealed record RelationshipPatch(IReadOnlyCollection<string> Properties, string? DisplayName, WireDuration? Duration, WireDuration? AutoExtend, List<Guid>? Roles);

/// <summary>A duration property that was present on the wire; <see cref="Value"/> is null when it did not parse.</summary>
public sealed record WireDuration(TimeSpan? Value);

/// <summary>How long Microsoft's back end takes for each timed transition (from <see cref="Hosting.SimulatorOptions"/>).</summary>
public sealed record GdapTimings(
    TimeSpan ApprovalRequestLifetime,
    TimeSpan ApprovedToActivating,
    TimeSpan ActivatingToActive,
    TimeSpan AssignmentActivation,
    TimeSpan Deprovisioning,
    TimeSpan LockDuration,
    TimeSpan OperationDuration);
