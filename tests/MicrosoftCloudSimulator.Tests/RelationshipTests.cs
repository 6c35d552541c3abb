using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace MicrosoftCloudSimulator.Tests;

public sealed class RelationshipTests(SimulatorTestBed bed) : IClassFixture<SimulatorTestBed>
{
    static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..30];

    [Fact]
    public async Task A_created_relationship_round_trips_durations_enums_and_null_timestamps()
    {
        string name = Unique("FP");

        DelegatedAdminRelationship created = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(name, SimulatorTestBed.Fabrikam)))!;
        DelegatedAdminRelationship read = (await bed.PartnerGraph.Relationships(created.Id!).GetAsync())!;

        Assert.Equal((name, TimeSpan.FromDays(730), TimeSpan.Zero, DelegatedAdminRelationshipStatus.Created), (read.DisplayName, read.Duration, read.AutoExtendDuration, read.Status));
        Assert.Equal(SimulatorTestBed.Fabrikam.ToString(), read.Customer!.TenantId);
        Assert.Equal([SimulatorTestBed.Exchange, SimulatorTestBed.UserAdmin], read.AccessDetails!.UnifiedRoles!.Select(r => r.RoleDefinitionId));
        Assert.Null(read.ActivatedDateTime);
        Assert.Null(read.EndDateTime);
        Assert.NotNull(read.CreatedDateTime);
        Assert.StartsWith("W/\"", read.ETag(), StringComparison.Ordinal);
        Assert.Equal(73, read.Id!.Length);
        Assert.False(Guid.TryParse(read.Id, out _));
    }

    [Fact]
    public async Task A_duplicate_display_name_is_409()
    {
        string name = Unique("Dup");
        await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(name));

        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(name.ToUpperInvariant())));

        Assert.Equal((409, "conflict"), (error.ResponseStatusCode, error.Error!.Code));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(731)]
    public async Task A_duration_outside_one_to_730_days_is_400(int days)
    {
        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(Unique("D"), days: days)));

        Assert.Equal((400, "badRequest"), (error.ResponseStatusCode, error.Error!.Code));
    }

    [Fact]
    public async Task A_display_name_over_50_characters_is_400()
    {
        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(new string('n', 51))));

        Assert.Equal(400, error.ResponseStatusCode);
    }

    [Fact]
    public async Task Auto_extend_other_than_180_days_is_400()
    {
        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(Unique("AE"), autoExtendDays: 90)));

        Assert.Equal(400, error.ResponseStatusCode);
    }

    [Fact]
    public async Task Global_administrator_with_auto_extend_is_400()
    {
        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(
            Gdap.Relationship(Unique("GA"), autoExtendDays: 180, roles: [SimulatorTestBed.GlobalAdmin])));

        Assert.Contains("Global Administrator", error.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_relationship_without_roles_is_400()
    {
        DelegatedAdminRelationship noRoles = Gdap.Relationship(Unique("NR"));
        noRoles.AccessDetails!.UnifiedRoles = [];

        Assert.Equal(400, (await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(noRoles))).ResponseStatusCode);
    }

    [Fact]
    public async Task Lock_for_approval_is_a_request_that_moves_created_to_approval_pending_later_and_only_once()
    {
        DelegatedAdminRelationship created = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(Unique("L"))))!;

        DelegatedAdminRelationshipRequest request = (await bed.PartnerGraph.Relationships(created.Id!).Requests.PostAsync(new DelegatedAdminRelationshipRequest { Action = DelegatedAdminRelationshipRequestAction.LockForApproval }))!;
        DelegatedAdminRelationshipStatus? atOnce = (await bed.PartnerGraph.Relationships(created.Id!).GetAsync())!.Status;
        ODataError whileLocking = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(created.Id!).Requests.PostAsync(new DelegatedAdminRelationshipRequest { Action = DelegatedAdminRelationshipRequestAction.LockForApproval }));
        DelegatedAdminRelationship locked = await SimulatorTestBed.EventuallyAsync(
            async () => (await bed.PartnerGraph.Relationships(created.Id!).GetAsync())!, r => r.Status == DelegatedAdminRelationshipStatus.ApprovalPending);
        ODataError afterwards = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(created.Id!).Requests.PostAsync(new DelegatedAdminRelationshipRequest { Action = DelegatedAdminRelationshipRequestAction.LockForApproval }));

        Assert.Equal((DelegatedAdminRelationshipRequestAction.LockForApproval, DelegatedAdminRelationshipRequestStatus.Created), (request.Action, request.Status));
        Assert.True(Guid.TryParse(request.Id, out _));
        Assert.Equal(DelegatedAdminRelationshipStatus.Created, atOnce);
        Assert.Equal(DelegatedAdminRelationshipRequestStatus.Succeeded, (await bed.PartnerGraph.Relationships(created.Id!).Requests[request.Id].GetAsync())!.Status);
        Assert.Equal((400, 400), (whileLocking.ResponseStatusCode, afterwards.ResponseStatusCode));
        Assert.Equal(DelegatedAdminRelationshipStatus.ApprovalPending, locked.Status);
    }

    [Fact]
    public async Task Customer_approval_moves_through_approved_and_activating_to_active_with_dates()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam);

        Assert.Equal(DelegatedAdminRelationshipStatus.Active, active.Status);
        Assert.NotNull(active.ActivatedDateTime);
        Assert.Equal(active.ActivatedDateTime!.Value.AddDays(730), active.EndDateTime);
    }

    [Fact]
    public async Task A_relationship_created_without_a_customer_gets_the_approving_one()
    {
        DelegatedAdminRelationship open = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(Unique("O"))))!;
        await Gdap.LockAsync(bed, open.Id!);

        (await bed.SimAsync(HttpMethod.Post, $"relationships/{open.Id}/approve", new { customerTenantId = SimulatorTestBed.Tailspin })).EnsureSuccessStatusCode();
        DelegatedAdminRelationship approved = (await bed.PartnerGraph.Relationships(open.Id!).GetAsync())!;

        Assert.Null(open.Customer);
        Assert.Equal((SimulatorTestBed.Tailspin.ToString(), "Tailspin Toys"), (approved.Customer!.TenantId, approved.Customer.DisplayName));
    }

    [Fact]
    public async Task Approval_by_another_customer_than_the_named_one_is_refused()
    {
        DelegatedAdminRelationship created = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(Unique("W"), SimulatorTestBed.Fabrikam)))!;
        await Gdap.LockAsync(bed, created.Id!);

        HttpResponseMessage response = await bed.SimAsync(HttpMethod.Post, $"relationships/{created.Id}/approve", new { customerTenantId = SimulatorTestBed.Woodgrove });

        Assert.Equal(System.Net.HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Patch_needs_the_current_etag()
    {
        DelegatedAdminRelationship created = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(Unique("P"))))!;
        // A fresh model per request: the SDK's backing store sends only values changed since the model was last serialized.
        static DelegatedAdminRelationship Change() => new() { Duration = TimeSpan.FromDays(365) };

        ODataError missing = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(created.Id!).PatchAsync(Change()));
        ODataError stale = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(created.Id!).PatchAsync(Change(), r => r.Headers.Add("If-Match", "W/\"stale\"")));
        DelegatedAdminRelationship patched = (await bed.PartnerGraph.Relationships(created.Id!).PatchAsync(Change(), r => r.Headers.Add("If-Match", created.ETag())))!;

        Assert.Equal((400, 412), (missing.ResponseStatusCode, stale.ResponseStatusCode));
        Assert.Equal(TimeSpan.FromDays(365), patched.Duration);
        Assert.NotEqual(created.ETag(), patched.ETag());
    }

    [Fact]
    public async Task An_active_relationship_accepts_only_auto_extend_changes()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam);

        DelegatedAdminRelationship extended = (await bed.PartnerGraph.Relationships(active.Id!).PatchAsync(new DelegatedAdminRelationship { AutoExtendDuration = TimeSpan.FromDays(180) }, r => r.Headers.Add("If-Match", active.ETag())))!;
        ODataError rename = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(active.Id!).PatchAsync(new DelegatedAdminRelationship { DisplayName = "renamed" }, r => r.Headers.Add("If-Match", extended.ETag())));

        Assert.Equal(TimeSpan.FromDays(180), extended.AutoExtendDuration);
        Assert.Equal(400, rename.ResponseStatusCode);
    }

    [Fact]
    public async Task Delete_is_allowed_only_while_created()
    {
        DelegatedAdminRelationship draft = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(Unique("X"))))!;
        DelegatedAdminRelationship locked = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.PostAsync(Gdap.Relationship(Unique("Y"))))!;
        await Gdap.LockAsync(bed, locked.Id!);
        string lockedETag = (await bed.PartnerGraph.Relationships(locked.Id!).GetAsync())!.ETag();

        await bed.PartnerGraph.Relationships(draft.Id!).DeleteAsync(r => r.Headers.Add("If-Match", draft.ETag()));
        ODataError refused = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(locked.Id!).DeleteAsync(r => r.Headers.Add("If-Match", lockedETag)));

        Assert.Equal(404, (await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships(draft.Id!).GetAsync())).ResponseStatusCode);
        Assert.Equal(400, refused.ResponseStatusCode);
    }

    [Fact]
    public async Task A_malformed_relationship_id_gets_the_observed_bad_request()
    {
        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Relationships("bad'id").GetAsync());

        Assert.Equal((400, "The passed in delegatedAdminRelationshipId is invalid."), (error.ResponseStatusCode, error.Error!.Message));
    }

    [Fact]
    public async Task Terminate_ends_an_active_relationship_and_its_assignments()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Fabrikam);

        await bed.PartnerGraph.Relationships(active.Id!).Requests.PostAsync(new DelegatedAdminRelationshipRequest { Action = DelegatedAdminRelationshipRequestAction.Terminate });
        DelegatedAdminRelationship ended = await SimulatorTestBed.EventuallyAsync(async () => (await bed.PartnerGraph.Relationships(active.Id!).GetAsync())!, r => r.Status == DelegatedAdminRelationshipStatus.Terminated);

        Assert.Equal(DelegatedAdminRelationshipStatus.Terminated, ended.Status);
    }

    [Fact]
    public async Task Active_relationships_list_their_customer_under_delegated_admin_customers()
    {
        await Gdap.ActiveRelationshipAsync(bed, SimulatorTestBed.Woodgrove);

        DelegatedAdminCustomerCollectionResponse customers = (await bed.PartnerGraph.TenantRelationships.DelegatedAdminCustomers.GetAsync())!;

        Assert.Contains(customers.Value!, c => c.TenantId == SimulatorTestBed.Woodgrove.ToString() && c.DisplayName == "Woodgrove Bank");
    }
}

/// <summary>Microsoft's long-running operations take simulated time here, so what is seen while one runs cannot race it.</summary>
public sealed class LongRunningOperationTests() : OwnSimulator(o => o.OperationDuration = TimeSpan.FromMinutes(10))
{
    [Fact]
    public async Task Removing_global_administrator_is_a_long_running_operation_that_changes_the_roles_when_it_succeeds()
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(this.Bed, SimulatorTestBed.Fabrikam, SimulatorTestBed.GlobalAdmin, SimulatorTestBed.Exchange);

        DelegatedAdminRelationship withoutGa = new() { AccessDetails = new DelegatedAdminAccessDetails { UnifiedRoles = [new UnifiedRole { RoleDefinitionId = SimulatorTestBed.Exchange }] } };
        await this.Bed.PartnerGraph.Relationships(active.Id!).PatchAsync(withoutGa, r => r.Headers.Add("If-Match", active.ETag()));
        DelegatedAdminRelationshipOperation started = Assert.Single((await this.Bed.PartnerGraph.Relationships(active.Id!).Operations.GetAsync())!.Value!);
        int rolesWhileRunning = (await this.Bed.PartnerGraph.Relationships(active.Id!).GetAsync())!.AccessDetails!.UnifiedRoles!.Count;
        await this.Bed.SimAsync(HttpMethod.Post, "time/advance", new { by = "00:10:00" });
        DelegatedAdminRelationshipOperation done = Assert.Single((await this.Bed.PartnerGraph.Relationships(active.Id!).Operations.GetAsync())!.Value!);

        Assert.Equal(LongRunningOperationStatus.NotStarted, started.Status);
        Assert.Equal(2, rolesWhileRunning);
        Assert.Equal(LongRunningOperationStatus.Succeeded, done.Status);
        Assert.Equal([SimulatorTestBed.Exchange], (await this.Bed.PartnerGraph.Relationships(active.Id!).GetAsync())!.AccessDetails!.UnifiedRoles!.Select(r => r.RoleDefinitionId));
    }
}
