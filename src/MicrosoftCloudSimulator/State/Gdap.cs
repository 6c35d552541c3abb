namespace MicrosoftCloudSimulator.State;

/// <summary>A GDAP relationship (<c>delegatedAdminRelationship</c>) with its sub-resources.</summary>
public sealed class Relationship
{
    public required string Id { get; init; }

    public required string DisplayName { get; set; }

    public required TimeSpan Duration { get; set; }

    public TimeSpan AutoExtendDuration { get; set; }

    public Guid? CustomerTenantId { get; set; }

    public string? CustomerDisplayName { get; set; }

    public List<Guid> Roles { get; set; } = [];

    public string Status { get; set; } = "created";

    public required DateTimeOffset CreatedDateTime { get; init; }

    public DateTimeOffset LastModifiedDateTime { get; set; }

    public DateTimeOffset? ActivatedDateTime { get; set; }

    public DateTimeOffset? EndDateTime { get; set; }

    /// <summary>When the status last changed (drives the timed transitions).</summary>
    public DateTimeOffset StatusSince { get; set; }

    /// <summary>Bumped on every change; the ETag is derived from it.</summary>
    public int Version { get; set; } = 1;

    public string ETag => $"W/\"{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{this.Id}:{this.Version}"))}\"";

    public List<RelationshipRequest> Requests { get; } = [];

    public List<AccessAssignment> AccessAssignments { get; } = [];

    public List<Operation> Operations { get; } = [];

    /// <summary>Whether a lockForApproval request was accepted and Microsoft has not yet moved the relationship on.</summary>
    public bool IsLocking => this.Status == "created" && this.Requests.Any(q => q.Action == "lockForApproval" && q.Status is "created" or "running");

    public void Touch(DateTimeOffset now)
    {
        this.LastModifiedDateTime = now;
        this.Version++;
    }

    public void MoveTo(string status, DateTimeOffset now)
    {
        this.Status = status;
        this.StatusSince = now;
        this.Touch(now);
    }
}

/// <summary>A request on a relationship (<c>lockForApproval</c>, <c>terminate</c>).</summary>
public sealed class RelationshipRequest
{
    public required Guid Id { get; init; }

    public required string Action { get; init; }

    public string Status { get; set; } = "created";

    public required DateTimeOffset CreatedDateTime { get; init; }

    public DateTimeOffset LastModifiedDateTime { get; set; }
}

/// <summary>An access assignment: one partner group gets roles in the customer tenant.</summary>
public sealed class AccessAssignment
{
    public required Guid Id { get; init; }

    public required Guid GroupId { get; init; }

    public List<Guid> Roles { get; set; } = [];

    public string Status { get; set; } = "pending";

    public required DateTimeOffset CreatedDateTime { get; init; }

    public DateTimeOffset LastModifiedDateTime { get; set; }

    public DateTimeOffset StatusSince { get; set; }

    public int Version { get; set; } = 1;

    public string ETag => $"W/\"{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{this.Id}:{this.Version}"))}\"";

    public bool IsLive => this.Status is "pending" or "active";
}

/// <summary>A long-running operation on a relationship.</summary>
public sealed class Operation
{
    public required Guid Id { get; init; }

    public required string OperationType { get; init; }

    public required string Data { get; init; }

    /// <summary>notStarted → running → succeeded, on the lifecycle clock (a long-running operation, as documented).</summary>
    public string Status { get; set; } = "notStarted";

    public required DateTimeOffset CreatedDateTime { get; init; }

    public DateTimeOffset LastModifiedDateTime { get; set; }

    /// <summary>The roles the relationship keeps once the operation succeeds.</summary>
    public List<Guid>? RolesAfter { get; init; }
}

/// <summary>A Partner Center application consent in a customer tenant.</summary>
public sealed class ApplicationConsent
{
    public required Guid CustomerTenantId { get; init; }

    public required Guid ApplicationId { get; init; }

    public required string DisplayName { get; init; }

    public required List<(Guid EnterpriseApplicationId, string Scope)> Grants { get; init; }
}

/// <summary>The partner's Partner Center webhook registration.</summary>
public sealed class WebhookRegistration
{
    public required Guid SubscriberId { get; init; }

    public required Uri WebhookUrl { get; set; }

    public required List<string> WebhookEvents { get; set; }

    public DateTimeOffset LastModifiedTimestamp { get; set; }
}
