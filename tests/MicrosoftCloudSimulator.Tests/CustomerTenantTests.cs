using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using BundleFunctions.Infrastructure.MicrosoftCloud;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>Graph inside a customer tenant, as the partner's service account reaches it through GDAP.</summary>
public sealed class CustomerTenantTests : OwnSimulator
{
    [Fact]
    public async Task Gdap_access_reaches_the_customer_only_after_the_propagation_delay()
    {
        await this.Bed.SimAsync(HttpMethod.Post, "faults", new { propagationDelay = "00:00:01" });

        await this.GrantServiceAccountAsync(SimulatorTestBed.Tailspin, SimulatorTestBed.UserAdmin);
        string early = await this.Bed.TrySignInAsync(SimulatorTestBed.Tailspin);
        await Task.Delay(1100);
        string later = await this.Bed.TrySignInAsync(SimulatorTestBed.Tailspin);

        Assert.Contains("AADSTS50020", early, StringComparison.Ordinal);
        Assert.Equal("ok", later);
    }

    [Fact]
    public async Task A_conditional_access_policy_is_patched_with_comma_separated_guest_type_flags()
    {
        await this.GrantServiceAccountAsync(SimulatorTestBed.Tailspin, SimulatorTestBed.UserAdmin);
        GraphServiceClient customer = await this.DelegatedGraphAsync(SimulatorTestBed.Tailspin);
        const string policyId = "c0000003-2222-4000-8000-000000000001";

        await customer.Identity.ConditionalAccess.Policies[policyId].PatchAsync(new ConditionalAccessPolicy
        {
            Conditions = new ConditionalAccessConditionSet
            {
                Users = new ConditionalAccessUsers
                {
                    ExcludeGuestsOrExternalUsers = new ConditionalAccessGuestsOrExternalUsers
                    {
                        GuestOrExternalUserTypes = ConditionalAccessGuestOrExternalUserTypes.InternalGuest | ConditionalAccessGuestOrExternalUserTypes.ServiceProvider,
                        ExternalTenants = new ConditionalAccessEnumeratedExternalTenants
                        {
                            OdataType = "#microsoft.graph.conditionalAccessEnumeratedExternalTenants",
                            MembershipKind = ConditionalAccessExternalTenantsMembershipKind.Enumerated,
                            Members = [SimulatorTestBed.PartnerTenantId.ToString()],
                        },
                    },
                },
            },
        });
        ConditionalAccessPolicy read = (await customer.Identity.ConditionalAccess.Policies[policyId].GetAsync())!;

        ConditionalAccessGuestsOrExternalUsers excluded = read.Conditions!.Users!.ExcludeGuestsOrExternalUsers!;
        Assert.Equal(ConditionalAccessGuestOrExternalUserTypes.InternalGuest | ConditionalAccessGuestOrExternalUserTypes.ServiceProvider, excluded.GuestOrExternalUserTypes);
        Assert.Equal([SimulatorTestBed.PartnerTenantId.ToString()], Assert.IsType<ConditionalAccessEnumeratedExternalTenants>(excluded.ExternalTenants).Members);
    }

    [Fact]
    public async Task The_organization_smoke_call_answers_in_the_customer_tenant()
    {
        await this.GrantServiceAccountAsync(SimulatorTestBed.Tailspin, SimulatorTestBed.UserAdmin);

        OrganizationCollectionResponse organization = (await (await this.DelegatedGraphAsync(SimulatorTestBed.Tailspin)).Organization.GetAsync())!;

        Assert.Equal(("Tailspin Toys", SimulatorTestBed.Tailspin.ToString()), (organization.Value![0].DisplayName, organization.Value[0].Id));
    }

    /// <summary>Active relationship, a group with the service account, an active assignment of <paramref name="role"/>.</summary>
    async Task GrantServiceAccountAsync(Guid customer, string role)
    {
        DelegatedAdminRelationship active = await Gdap.ActiveRelationshipAsync(this.Bed, customer, role);
        Group group = await Gdap.SecurityGroupAsync(this.Bed, $"G {Guid.NewGuid():N}");
        await this.Bed.PartnerGraph.Groups[group.Id].Members.Ref.PostAsync(new ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{SimulatorTestBed.ServiceAccountId}" });
        DelegatedAdminAccessAssignment assignment = (await this.Bed.PartnerGraph.Relationships(active.Id!).AccessAssignments.PostAsync(Gdap.Assignment(group.Id!, role)))!;
        await SimulatorTestBed.EventuallyAsync(async () => (await this.Bed.PartnerGraph.Relationships(active.Id!).AccessAssignments[assignment.Id].GetAsync())!.Status, s => s == DelegatedAdminAccessAssignmentStatus.Active);
    }


    async Task<GraphServiceClient> DelegatedGraphAsync(Guid customer)
    {
        string token = await this.Bed.DelegatedTokenAsync(customer, MicrosoftCloudOptions.GraphScope);
        HttpClient http = GraphClientFactory.Create(finalHandler: this.Bed.Connection.CreateHandler());
        return new GraphServiceClient(http, new BaseBearerTokenAuthenticationProvider(new FixedToken(token, this.Bed.Simulator.BaseAddress.Host)), new Uri(this.Bed.Simulator.BaseAddress, "v1.0").AbsoluteUri);
    }

    sealed class FixedToken(string token, string host) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new([host]);

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }
}
