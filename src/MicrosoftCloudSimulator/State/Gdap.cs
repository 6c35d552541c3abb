namespace MicrosoftCloudSimulator.State;

/// <summary>A request on a relationship (<c>lockForApproval</c>, <c>terminate</c>).</summary>
public sealed class RelationshipRequest
{
    public required Guid Id { get; init; }

    public required string Action { get; init; }

    public string Status { get; set; } = RequestValues.Created;

    public required DateTimeOffset CreatedDateTime { get; init; }

    public DateTimeOffset LastModifiedDateTime { get; set; }
}

/// <summary>An access assignment: one partner group gets roles in the customer tenant.</summary>
public sealed class AccessAssignment
{
    public required Guid Id { get; init; }

    public required Guid GroupId { get; init; }

    public List<Guid> Roles { get; set; } = [];

    public string Status { get; set; } = AssignmentStatuses.Pending;

    public required DateTimeOffset CreatedDateTime { get; init; }

    public DateTimeOffset LastModifiedDateTime { get; set; }

    public DateTimeOffset StatusSince { get; set; }

    public int Version { get; set; } = 1;

    public string ETag => $"W/\"{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{this.Id}:{this.Version}"))}\"";

    public bool IsLive => this.Status is AssignmentStatuses.Pending or AssignmentStatuses.Active;

    public void MoveTo(string status, DateTimeOffset now)
    {
        this.Status = status;
        this.StatusSince = now;
        this.LastModifiedDateTime = now;
        this.Version++;
    }
}

/// <summary>A long-running operation on a relationship.</summary>
public sealed class Operation
{
    public required Guid Id { get; init; }

    public required string OperationType { get; init; }

    public required string Data { get; init; }

    /// <summary>notStarted → running → succeeded, on the lifecycle clock (a long-running operation, as documented).</summary>
    public string Status { get; set; } = RequestValues.NotStarted;

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
