using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace MicrosoftCloudSimulator.Tests;

public sealed class AccessAssignmentTests(SimulatorTestBed bed) : IClassFixture<SimulatorTestBed>
{
    [Fact]
    public async Task An_assignment_on_an_active_relationship_starts_pending_and_becomes_active()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam);
        Group group = await Gdap.SecurityGroupAsync(bed, $"Exchange {Guid.NewGuid():N}");

        DelegatedAdminAccessAssignment created = (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Gdap.Assignment(group.Id!, SimulatorTestBed.Exchange)))!;
        DelegatedAdminAccessAssignment later = await SimulatorTestBed.EventuallyAsync(
            async () => (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments[created.Id].GetAsync())!,
            a => a.Status == DelegatedAdminAccessAssignmentStatus.Active);

        Assert.Equal(DelegatedAdminAccessAssignmentStatus.Pending, created.Status);
        Assert.Equal((group.Id, DelegatedAdminAccessContainerType.SecurityGroup), (created.AccessContainer!.AccessContainerId, created.AccessContainer.AccessContainerType));
        Assert.Equal(DelegatedAdminAccessAssignmentStatus.Active, later.Status);
    }

    [Fact]
    public async Task An_assignment_on_a_relationship_that_is_not_active_is_400()
    {
        DelegatedAdminRelationship pending = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship($"NA-{Guid.NewGuid():N}"[..20])))!;
        Group group = await Gdap.SecurityGroupAsync(bed, $"Early {Guid.NewGuid():N}");

        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(pending.Id!).AccessAssignments.PostAsync(Gdap.Assignment(group.Id!, SimulatorTestBed.Exchange)));

        Assert.Equal(400, error.ResponseStatusCode);
    }

    [Fact]
    public async Task A_second_live_assignment_for_the_same_group_is_409()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam);
        Group group = await Gdap.SecurityGroupAsync(bed, $"Once {Guid.NewGuid():N}");
        await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Gdap.Assignment(group.Id!, SimulatorTestBed.Exchange));

        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Gdap.Assignment(group.Id!, SimulatorTestBed.UserAdmin)));

        Assert.Equal((409, "conflict"), (error.ResponseStatusCode, error.Error!.Code));
    }

    [Fact]
    public async Task An_unknown_group_is_refused_as_a_missing_access_container()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam);

        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Gdap.Assignment(Guid.NewGuid().ToString(), SimulatorTestBed.Exchange)));

        Assert.Contains("access container does not exist", error.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_outside_the_relationship_is_refused()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam, SimulatorTestBed.Exchange);
        Group group = await Gdap.SecurityGroupAsync(bed, $"Outside {Guid.NewGuid():N}");

        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Gdap.Assignment(group.Id!, SimulatorTestBed.UserAdmin)));

        Assert.Equal(400, error.ResponseStatusCode);
    }

    [Fact]
    public async Task Changing_an_assignments_roles_is_a_202_operation()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam);
        Group group = await Gdap.SecurityGroupAsync(bed, $"Change {Guid.NewGuid():N}");
        DelegatedAdminAccessAssignment created = await this.ActiveAssignmentAsync(active.Id!, group.Id!);

        await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments[created.Id].PatchAsync(
            new DelegatedAdminAccessAssignment { AccessDetails = new DelegatedAdminAccessDetails { UnifiedRoles = [new UnifiedRole { RoleDefinitionId = SimulatorTestBed.UserAdmin }] } },
            r => r.Headers.Add("If-Match", (string)created.AdditionalData["@odata.etag"]));

        DelegatedAdminRelationshipOperation operation = Assert.Single((await bed.PartnerGraph.Relationships(active.Id!).Operations.GetAsync())!.Value!);
        Assert.Equal(DelegatedAdminRelationshipOperationType.DelegatedAdminAccessAssignmentUpdate, operation.OperationType);
        Assert.Equal([SimulatorTestBed.UserAdmin], (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments[created.Id].GetAsync())!.AccessDetails!.UnifiedRoles!.Select(r => r.RoleDefinitionId));
    }

    [Fact]
    public async Task A_deleted_assignment_goes_through_deleting_to_deleted_and_frees_the_group()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam);
        Group group = await Gdap.SecurityGroupAsync(bed, $"Delete {Guid.NewGuid():N}");
        DelegatedAdminAccessAssignment created = await this.ActiveAssignmentAsync(active.Id!, group.Id!);

        await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments[created.Id].DeleteAsync(r => r.Headers.Add("If-Match", (string)created.AdditionalData["@odata.etag"]));
        DelegatedAdminAccessAssignment deleted = await SimulatorTestBed.EventuallyAsync(
            async () => (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments[created.Id].GetAsync())!,
            a => a.Status == DelegatedAdminAccessAssignmentStatus.Deleted);
        DelegatedAdminAccessAssignment again = (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Gdap.Assignment(group.Id!, SimulatorTestBed.Exchange)))!;

        Assert.Equal(DelegatedAdminAccessAssignmentStatus.Deleted, deleted.Status);
        Assert.NotEqual(created.Id, again.Id);
    }

    /// <summary>
    /// An Exchange assignment of the group, once active, with its current ETag: pending → active changes the ETag, so an
    /// If-Match taken from the creation answer would race that transition on a slow machine.
    /// </summary>
    async Task<DelegatedAdminAccessAssignment> ActiveAssignmentAsync(string relationshipId, string groupId)
    {
        DelegatedAdminAccessAssignment created = (await bed.PartnerGraph.Relationships(relationshipId).AccessAssignments.PostAsync(Gdap.Assignment(groupId, SimulatorTestBed.Exchange)))!;
        return await SimulatorTestBed.EventuallyAsync(
            async () => (await bed.PartnerGraph.Relationships(relationshipId).AccessAssignments[created.Id].GetAsync())!,
            a => a.Status == DelegatedAdminAccessAssignmentStatus.Active);
    }

    [Fact]
    public async Task A_status_filter_keeps_only_assignments_in_that_status()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam);
        Group group = await Gdap.SecurityGroupAsync(bed, $"List {Guid.NewGuid():N}");
        DelegatedAdminAccessAssignment created = (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Gdap.Assignment(group.Id!, SimulatorTestBed.Exchange)))!;
        // Active is where an assignment stays, so the filters below cannot race its pending → active transition.
        await SimulatorTestBed.EventuallyAsync(async () => (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments[created.Id].GetAsync())!.Status, s => s == DelegatedAdminAccessAssignmentStatus.Active);

        DelegatedAdminAccessAssignmentCollectionResponse activeOnes = (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.GetAsync(r => r.QueryParameters.Filter = "status eq 'active'"))!;
        DelegatedAdminAccessAssignmentCollectionResponse pendingOnes = (await bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.GetAsync(r => r.QueryParameters.Filter = "status eq 'pending'"))!;

        Assert.Equal([created.Id], activeOnes.Value!.Select(a => a.Id));
        Assert.Empty(pendingOnes.Value!);
    }
}
