using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;

namespace MicrosoftCloudSimulator.Tests;

public sealed class GroupTests(SimulatorTestBed bed) : IClassFixture<SimulatorTestBed>
{
    static Group SecurityGroup(string name) => new()
    {
        DisplayName = name,
        MailNickname = new string([.. name.Where(char.IsAsciiLetterOrDigit)]),
        MailEnabled = false,
        SecurityEnabled = true,
        Description = "GDAP access container",
    };

    static ReferenceCreate Member(Guid id) => new() { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{id}" };

    [Fact]
    public async Task A_security_group_round_trips_through_the_sdk()
    {
        string name = $"Acme GDAP-Exchange Administrator {Guid.NewGuid():N}";

        Group created = (await bed.PartnerGraph.Groups.PostAsync(SecurityGroup(name)))!;
        Group read = (await bed.PartnerGraph.Groups[created.Id].GetAsync())!;

        Assert.Equal((name, false, true, "GDAP access container"), (read.DisplayName, read.MailEnabled, read.SecurityEnabled, read.Description));
        Assert.Empty(read.GroupTypes!);
        Assert.NotNull(read.CreatedDateTime);
        Assert.Null(read.IsAssignableToRole);
    }

    [Fact]
    public async Task Groups_are_found_by_exact_display_name()
    {
        string name = $"Acme GDAP-Teams Administrator {Guid.NewGuid():N}";
        Group created = (await bed.PartnerGraph.Groups.PostAsync(SecurityGroup(name)))!;
        await bed.PartnerGraph.Groups.PostAsync(SecurityGroup(name + " (other)"));

        GroupCollectionResponse found = (await bed.PartnerGraph.Groups.GetAsync(r => r.QueryParameters.Filter = $"displayName eq '{name}'"))!;

        Assert.Equal([created.Id], found.Value!.Select(g => g.Id));
    }

    [Fact]
    public async Task Two_groups_may_share_a_display_name_as_in_entra()
    {
        string name = $"Duplicate {Guid.NewGuid():N}";
        await bed.PartnerGraph.Groups.PostAsync(SecurityGroup(name));
        await bed.PartnerGraph.Groups.PostAsync(SecurityGroup(name));

        GroupCollectionResponse found = (await bed.PartnerGraph.Groups.GetAsync(r => r.QueryParameters.Filter = $"displayName eq '{name}'"))!;

        Assert.Equal(2, found.Value!.Count);
    }

    [Fact]
    public async Task A_member_is_added_once_and_a_repeat_gets_the_exact_already_exist_error()
    {
        Group group = (await bed.PartnerGraph.Groups.PostAsync(SecurityGroup($"Members {Guid.NewGuid():N}")))!;

        await bed.PartnerGraph.Groups[group.Id].Members.Ref.PostAsync(Member(SimulatorTestBed.ServiceAccountId));
        ODataError repeat = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Groups[group.Id].Members.Ref.PostAsync(Member(SimulatorTestBed.ServiceAccountId)));

        Assert.Equal((400, "Request_BadRequest"), (repeat.ResponseStatusCode, repeat.Error!.Code));
        Assert.Equal("One or more added object references already exist for the following modified properties: 'members'.", repeat.Error.Message);
        DirectoryObjectCollectionResponse members = (await bed.PartnerGraph.Groups[group.Id].Members.GetAsync())!;
        Assert.Equal([SimulatorTestBed.ServiceAccountId.ToString()], members.Value!.Select(m => m.Id));
        Assert.IsType<User>(members.Value![0]);
    }

    [Fact]
    public async Task Adding_an_unknown_object_is_404()
    {
        Group group = (await bed.PartnerGraph.Groups.PostAsync(SecurityGroup($"Unknown member {Guid.NewGuid():N}")))!;

        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Groups[group.Id].Members.Ref.PostAsync(Member(Guid.NewGuid())));

        Assert.Equal(404, error.ResponseStatusCode);
    }

    [Fact]
    public async Task Member_of_lists_the_users_groups()
    {
        Group group = (await bed.PartnerGraph.Groups.PostAsync(SecurityGroup($"MemberOf {Guid.NewGuid():N}")))!;
        await bed.PartnerGraph.Groups[group.Id].Members.Ref.PostAsync(Member(SimulatorTestBed.ServiceAccountId));

        DirectoryObjectCollectionResponse groups = (await bed.PartnerGraph.Users[SimulatorTestBed.ServiceAccountId.ToString()].MemberOf.GetAsync(r => r.QueryParameters.Top = 999))!;

        Assert.Contains(groups.Value!.OfType<Group>(), g => g.DisplayName == "AdminAgents");
        Assert.Contains(groups.Value!.OfType<Group>(), g => g.Id == group.Id);
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("at@sign")]
    [InlineData("")]
    public async Task An_invalid_mail_nickname_is_rejected(string nickname)
    {
        Group group = SecurityGroup("Bad nickname");
        group.MailNickname = nickname;

        ODataError error = await Assert.ThrowsAsync<ODataError>(() => bed.PartnerGraph.Groups.PostAsync(group));

        Assert.Equal(400, error.ResponseStatusCode);
    }
}

/// <summary>Replication delay changes the simulator's faults, so it has a simulator of its own.</summary>
public sealed class ReplicationDelayTests : OwnSimulator
{
    [Fact]
    public async Task A_new_group_is_404_until_it_has_replicated()
    {
        // Simulated time, not real time: a loaded machine must not let the group replicate before the early reads.
        await this.Bed.SimAsync(HttpMethod.Post, "faults", new { replicationDelay = "00:00:30" });
        Group created = (await this.Bed.PartnerGraph.Groups.PostAsync(new Group { DisplayName = "Fresh", MailNickname = "Fresh", MailEnabled = false, SecurityEnabled = true }))!;

        ODataError early = await Assert.ThrowsAsync<ODataError>(() => this.Bed.PartnerGraph.Groups[created.Id].GetAsync());
        ODataError earlyMember = await Assert.ThrowsAsync<ODataError>(() => this.Bed.PartnerGraph.Groups[created.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{SimulatorTestBed.ServiceAccountId}" }));
        await this.Bed.SimAsync(HttpMethod.Post, "time/advance", new { by = "00:00:30" });
        Group? later = await this.Bed.PartnerGraph.Groups[created.Id].GetAsync();

        Assert.Equal((404, "Request_ResourceNotFound"), (early.ResponseStatusCode, early.Error!.Code));
        Assert.Equal($"Resource '{created.Id}' does not exist or one of its queried reference-property objects are not present.", early.Error.Message);
        Assert.Equal(404, earlyMember.ResponseStatusCode);
        Assert.Equal(created.Id, later!.Id);
    }
}
