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

    /// <summary>Creates, locks, has the customer approve through /_sim, and waits until the relationship is active.</summary>
    public static async Task<DelegatedAdminRelationship> ActiveRelationshipAsync(SimulatorTestBed bed, Guid customer, params string[] roles)
    {
        DelegatedAdminRelationship created = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Relationship($"R-{Guid.NewGuid():N}"[..20], customer, roles: roles)))!;
        await bed.PartnerGraph.Relationships(created.Id!).Requests.PostAsync(new DelegatedAdminRelationshipRequest { Action = DelegatedAdminRelationshipRequestAction.LockForApproval });
        (await bed.SimAsync(HttpMethod.Post, $"relationships/{created.Id}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();
        return await SimulatorTestBed.EventuallyAsync(
            async () => (await bed.PartnerGraph.Relationships(created.Id!).GetAsync())!,
            r => r.Status == DelegatedAdminRelationshipStatus.Active);
    }

    public static async Task<Group> SecurityGroupAsync(SimulatorTestBed bed, string name) =>
        (await bed.PartnerGraph.Groups.PostAsync(new Group { DisplayName = name, MailNickname = new string([.. name.Where(char.IsAsciiLetterOrDigit)]), MailEnabled = false, SecurityEnabled = true }))!;

    public static DelegatedAdminAccessAssignment Assignment(string groupId, params string[] roles) => new()
    {
        AccessContainer = new DelegatedAdminAccessContainer { AccessContainerId = groupId, AccessContainerType = DelegatedAdminAccessContainerType.SecurityGroup },
        AccessDetails = new DelegatedAdminAccessDetails { UnifiedRoles = [.. roles.Select(r => new UnifiedRole { RoleDefinitionId = r })] },
    };
}
