using MicrosoftCloudSimulator.Graph;

namespace MicrosoftCloudSimulator.State;

/// <summary>
/// The timed half of GDAP: what Microsoft's back end does on its own after a customer approves, when a relationship
/// reaches its end date, after a terminate request, and to access assignments. Run under the cloud's lock.
/// </summary>
public static class Lifecycle
{
    /// <summary>The customer's Global Administrator approves: approvalPending → approved (the rest follows on the clock).</summary>
    /// <returns>Null on success, else why the approval is refused.</returns>
    public static string? Approve(SimulatedCloud cloud, string relationshipId, Guid customerTenantId)
    {
        Relationship? r = cloud.Relationships.FirstOrDefault(x => x.Id == relationshipId);
        if (r is null)
        {
            return $"Relationship '{relationshipId}' does not exist.";
        }

        if (r.Status != "approvalPending")
        {
            return $"Relationship '{relationshipId}' is '{r.Status}', not 'approvalPending'.";
        }

        if (!cloud.Tenants.TryGetValue(customerTenantId, out Tenant? customer) || customer.IsPartner)
        {
            return $"Customer tenant '{customerTenantId}' does not exist.";
        }

        if (r.CustomerTenantId is Guid named && named != customerTenantId)
        {
            return $"Relationship '{relationshipId}' was created for customer '{named}', not '{customerTenantId}'.";
        }

        r.CustomerTenantId = customerTenantId;
        r.CustomerDisplayName ??= customer.DisplayName;
        r.MoveTo("approved", cloud.Clock.UtcNow);
        cloud.Raise("granular-admin-relationship-approved", RelationshipEndpoints.WebhookResourceBase + r.Id);
        return null;
    }

    /// <summary>Applies every transition that is due at the simulated now.</summary>
    public static void Tick(SimulatedCloud cloud)
    {
        DateTimeOffset now = cloud.Clock.UtcNow;
        SimulatorOptionsView o = new(cloud);
        foreach (Relationship r in cloud.Relationships)
        {
            TimeSpan inStatus = now - r.StatusSince;
            string uri = RelationshipEndpoints.WebhookResourceBase + r.Id;
            foreach (RelationshipRequest lockRequest in r.Requests.Where(q => q.Action == "lockForApproval" && q.Status == "created" && now - q.CreatedDateTime >= o.LockDuration))
            {
                lockRequest.Status = "succeeded";
                lockRequest.LastModifiedDateTime = now;
                r.MoveTo("approvalPending", now);
            }

            foreach (Operation operation in r.Operations.Where(op => op.Status is "notStarted" or "running"))
            {
                TimeSpan age = now - operation.CreatedDateTime;
                if (age >= o.OperationDuration)
                {
                    operation.Status = "succeeded";
                    operation.LastModifiedDateTime = now;
                    r.Roles = operation.RolesAfter ?? r.Roles;
                    r.Touch(now);
                }
                else if (operation.Status == "notStarted" && age >= o.OperationDuration / 2)
                {
                    operation.Status = "running";
                    operation.LastModifiedDateTime = now;
                }
            }

            switch (r.Status)
            {
                case "approvalPending" when inStatus >= o.ApprovalRequestLifetime:
                    r.MoveTo("expired", now);
                    cloud.Raise("granular-admin-relationship-expired", uri);
                    break;
                case "approved" when inStatus >= o.ApprovedToActivating:
                    r.MoveTo("activating", now);
                    break;
                case "activating" when inStatus >= o.ActivatingToActive:
                    r.MoveTo("active", now);
                    r.ActivatedDateTime = now;
                    r.EndDateTime = now + r.Duration;
                    cloud.Raise("granular-admin-relationship-activated", uri);
                    break;
                case "active" when r.EndDateTime <= now:
                    if (r.AutoExtendDuration > TimeSpan.Zero)
                    {
                        // Auto-extend rolls the end date forward with no new consent and no documented event.
                        while (r.EndDateTime <= now)
                        {
                            r.EndDateTime += r.AutoExtendDuration;
                        }

                        r.Touch(now);
                    }
                    else
                    {
                        r.MoveTo("expiring", now);
                    }

                    break;
                case "expiring" when inStatus >= o.Deprovisioning:
                    r.MoveTo("expired", now);
                    EndAssignments(r, now);
                    cloud.Raise("granular-admin-relationship-expired", uri);
                    break;
                case "terminationRequested" when inStatus >= o.Deprovisioning:
                    r.MoveTo("terminating", now);
                    break;
                case "terminating" when inStatus >= o.Deprovisioning:
                    r.MoveTo("terminated", now);
                    EndAssignments(r, now);
                    cloud.Raise("granular-admin-relationship-terminated", uri);
                    break;
            }

            foreach (AccessAssignment a in r.AccessAssignments)
            {
                TimeSpan assignmentAge = now - a.StatusSince;
                if (a.Status == "pending" && r.Status == "active" && assignmentAge >= o.AssignmentActivation)
                {
                    SetStatus(a, "active", now);
                    cloud.Raise("granular-admin-access-assignment-activated", $"{uri}/accessAssignments/{a.Id}");
                }
                else if (a.Status == "deleting" && assignmentAge >= o.Deprovisioning)
                {
                    SetStatus(a, "deleted", now);
                    cloud.Raise("granular-admin-access-assignment-deleted", $"{uri}/accessAssignments/{a.Id}");
                }
            }
        }
    }

    static void EndAssignments(Relationship r, DateTimeOffset now)
    {
        foreach (AccessAssignment a in r.AccessAssignments.Where(a => a.IsLive || a.Status == "deleting"))
        {
            SetStatus(a, "deleted", now);
        }
    }

    static void SetStatus(AccessAssignment a, string status, DateTimeOffset now)
    {
        a.Status = status;
        a.StatusSince = now;
        a.LastModifiedDateTime = now;
        a.Version++;
    }

    readonly record struct SimulatorOptionsView(SimulatedCloud Cloud)
    {
        public TimeSpan ApprovalRequestLifetime => this.Cloud.Options.ApprovalRequestLifetime;

        public TimeSpan ApprovedToActivating => this.Cloud.Options.ApprovedToActivating;

        public TimeSpan ActivatingToActive => this.Cloud.Options.ActivatingToActive;

        public TimeSpan AssignmentActivation => this.Cloud.Options.AssignmentActivation;

        public TimeSpan Deprovisioning => this.Cloud.Options.Deprovisioning;

        public TimeSpan LockDuration => this.Cloud.Options.LockDuration;

        public TimeSpan OperationDuration => this.Cloud.Options.OperationDuration;
    }
}
