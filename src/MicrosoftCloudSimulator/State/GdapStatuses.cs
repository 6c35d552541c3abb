namespace MicrosoftCloudSimulator.State;

/// <summary>
/// <c>delegatedAdminRelationshipStatus</c> as Graph spells it on the wire
/// (learn.microsoft.com/graph/api/resources/delegatedadminrelationship#delegatedadminrelationshipstatus-values).
/// </summary>
public static class RelationshipStatuses
{
    public const string Created = "created";
    public const string ApprovalPending = "approvalPending";
    public const string Approved = "approved";
    public const string Activating = "activating";
    public const string Active = "active";
    public const string Expiring = "expiring";
    public const string Expired = "expired";
    public const string TerminationRequested = "terminationRequested";
    public const string Terminating = "terminating";
    public const string Terminated = "terminated";
}

/// <summary><c>delegatedAdminAccessAssignmentStatus</c> (learn.microsoft.com/graph/api/resources/delegatedadminaccessassignment).</summary>
public static class AssignmentStatuses
{
    public const string Pending = "pending";
    public const string Active = "active";
    public const string Deleting = "deleting";
    public const string Deleted = "deleted";
}

/// <summary>
/// <c>delegatedAdminRelationshipRequest</c>'s actions and statuses
/// (learn.microsoft.com/graph/api/resources/delegatedadminrelationshiprequest), and the long-running operations'
/// <c>longRunningOperationStatus</c> (learn.microsoft.com/graph/api/resources/delegatedadminrelationshipoperation).
/// </summary>
public static class RequestValues
{
    public const string LockForApproval = "lockForApproval";
    public const string Terminate = "terminate";
    public const string Created = "created";
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string NotStarted = "notStarted";
}

/// <summary>Why Graph refuses a change: the HTTP status, Graph's error code, and its message.</summary>
public sealed record Refusal(int Status, string Code, string Message)
{
    public static Refusal BadRequest(string message) => new(400, "badRequest", message);

    public static Refusal Conflict(string message) => new(409, "conflict", message);

    public static Refusal NotFound(string message) => new(404, "notFound", message);
}
