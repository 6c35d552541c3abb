using Microsoft.Graph;
using Microsoft.Graph.Models;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>GDAP requests made the way the product makes them: through the SDK's models.</summary>
public static class Gdap
{
    public static DelegatedAdminRelationship Relationship(string name, Guid? customer = null, int days = 730, int autoExtendDays = 0, params string[] roles) => new()
    {
        DisplayName = name,
        Duration = TimeSpan.FromDays(days),
        AutoExtendDuration = TimeSpan.FromDays(autoExtendDays),
        Customer = customer is Guid c ? new DelegatedAdminRelationshipCustomerParticipant { TenantId = c.ToString(), DisplayName = "Customer" } : null,
        AccessDetails = new DelegatedAdminAccessDetails
        {
            UnifiedRoles = [.. (roles.Length == 0 ? [SimulatorTestBed.Exchange, SimulatorTestBed.UserAdmin] : roles).Select(r => new UnifiedRole { RoleDefinitionId = r })],
        },
    };

    public static string ETag(this DelegatedAdminRelationship relationship) => (string)relationship.AdditionalData["@odata.etag"];

    public static Microsoft.Graph.TenantRelationships.DelegatedAdminRelationships.Item.DelegatedAdminRelationshipItemRequestBuilder Relationships(this GraphServiceClient graph, string id) =>
        graph.TenantRelationships.DelegatedAdminRelationships[id];

    /// <summary>Locks for approval and waits until Microsoft has moved the relationship to approvalPending (the lock is a request with its own status).</summary>
    public static async Task LockAsync(SimulatorTestBed bed, string relationshipId)
    {
        await bed.PartnerGraph.Relationships(relationshipId).Requests.PostAsync(new DelegatedAdminRelationshipRequest { Action = DelegatedAdminRelationshipRequestAction.LockForApproval });
        await SimulatorTestBed.EventuallyAsync(
            async () => (await bed.PartnerGraph.Relationships(relationshipId).GetAsync())!,
            r => r.Status == DelegatedAdminRelationshipStatus.ApprovalPending);
    }

    /// <summary>Creates, locks, has the customer approve through /_sim, and waits until the relationship is active.</summary>
    public static async Task<DelegatedAdminRelationship> ActiveRelationshipAsync(SimulatorTestBed bed, Guid customer, params string[] roles)
    {
        DelegatedAdminRelationship created = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Relationship($"R-{Guid.NewGuid():N}"[..20], customer, roles: roles)))!;
        await Gdap.LockAsync(bed, created.Id!);
        (await bed.SimAsync(HttpMethod.Post, $"relationships/{created.Id}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();
        return await SimulatorTestBed.EventuallyAsync(
            async () => (await bed.PartnerGraph.Relationships(created.Id!).GetAsync())!,
            r => r.Status == DelegatedAdminRelationshipStatus.Active);
    }

    public const string ApplicationAdministrator = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3";
    public const string PrivilegedRoleAdministrator = "e8611ab8-c189-46e8-94e1-60213ab1f814";
    public const string SecurityAdministrator = "194ae4cb-b126-40b2-bd5b-6091b380977d";

    /// <summary>An active relationship with <paramref name="roles"/>, a group holding the service account, and an active assignment of them.</summary>
    public static async Task GrantServiceAccountAsync(SimulatorTestBed bed, Guid customer, params string[] roles)
    {
        DelegatedAdminRelationship active = await ActiveRelationshipAsync(bed, customer, roles);
        Group group = await SecurityGroupAsync(bed, $"G {Guid.NewGuid():N}");
        await bed.PartnerGraph.Groups[group.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{SimulatorTestBed.ServiceAccountId}" });
        DelegatedAdminAccessAssignment assignment = (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Assignment(group.Id!, roles)))!;
        await SimulatorTestBed.EventuallyAsync(async () => (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments[assignment.Id].GetAsync())!.Status, s => s == DelegatedAdminAccessAssignmentStatus.Active);
    }

    /// <summary>Partner Center consent of the partner app into <paramref name="customer"/> for the given Graph delegated scopes (comma-separated).</summary>
    public static Task<HttpResponseMessage> ConsentAsync(SimulatorTestBed bed, Guid customer, string scopes = "Directory.Read.All,DelegatedPermissionGrant.ReadWrite.All") =>
        bed.PartnerCenterAsync(HttpMethod.Post, $"v1/customers/{customer}/applicationconsents", new
        {
            applicationId = SimulatorTestBed.AppId,
            displayName = "BundleFunctions",
            applicationGrants = new[] { new { enterpriseApplicationId = "00000003-0000-0000-c000-000000000000", scope = scopes } },
        });

    public static async Task<Group> SecurityGroupAsync(SimulatorTestBed bed, string name) =>
        (await bed.PartnerGraph.Groups.PostAsync(new Group { DisplayName = name, MailNickname = new string([.. name.Where(char.IsAsciiLetterOrDigit)]), MailEnabled = false, SecurityEnabled = true }))!;

    public static DelegatedAdminAccessAssignment Assignment(string groupId, params string[] roles) => new()
    {
        AccessContainer = new DelegatedAdminAccessContainer { AccessContainerId = groupId, AccessContainerType = DelegatedAdminAccessContainerType.SecurityGroup },
        AccessDetails = new DelegatedAdminAccessDetails { UnifiedRoles = [.. roles.Select(r => new UnifiedRole { RoleDefinitionId = r })] },
    };
}
