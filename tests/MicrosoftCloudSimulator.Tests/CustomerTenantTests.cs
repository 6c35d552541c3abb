using BundleFunctions.Infrastructure.MicrosoftCloud;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Kiota.Abstractions.Authentication;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>Graph inside a customer tenant, as the partner's service account reaches it through GDAP.</summary>
public sealed class CustomerTenantTests : OwnSimulator
{
    [Fact]
    public async Task Gdap_roles_reach_the_customer_only_after_the_propagation_delay()
    {
        // Simulated time: however slowly this machine grants the roles, the early calls fall inside the hour.
        await this.Bed.SimAsync(HttpMethod.Post, "faults", new { propagationDelay = "01:00:00" });

        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Tailspin, Gdap.ApplicationAdministrator, Gdap.PrivilegedRoleAdministrator);
        string early = await this.Bed.TrySignInAsync(SimulatorTestBed.Tailspin);
        HttpResponseMessage earlyConsent = await Gdap.ConsentAsync(this.Bed, SimulatorTestBed.Tailspin);
        await this.Bed.SimAsync(HttpMethod.Post, "time/advance", new { by = "01:00:00" });
        HttpResponseMessage laterConsent = await Gdap.ConsentAsync(this.Bed, SimulatorTestBed.Tailspin);
        string later = await this.Bed.TrySignInAsync(SimulatorTestBed.Tailspin);

        Assert.Contains("AADSTS50020", early, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, earlyConsent.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Created, laterConsent.StatusCode);
        Assert.Equal("ok", later);
    }

    [Fact]
    public async Task An_app_only_token_in_a_customer_consented_through_partner_center_carries_no_roles_and_graph_refuses_it()
    {
        await this.ConsentedWithRolesAsync(SimulatorTestBed.Tailspin);
        GraphServiceClient appOnly = this.Bed.Connection.GraphFor(SimulatorTestBed.Tailspin);

        Microsoft.Graph.Models.ODataErrors.ODataError refused = await Assert.ThrowsAsync<Microsoft.Graph.Models.ODataErrors.ODataError>(() =>
            appOnly.RoleManagement.Directory.RoleAssignments.GetAsync(r => r.QueryParameters.Filter = $"roleDefinitionId eq '{Gdap.PrivilegedRoleAdministrator}'"));
        string token = await this.Bed.Connection.CredentialFor(SimulatorTestBed.Tailspin).GetTokenAsync(new Azure.Core.TokenRequestContext([MicrosoftCloudOptions.GraphScope]), default) is var t ? t.Token : string.Empty;

        Assert.Equal((403, "Authorization_RequestDenied"), (refused.ResponseStatusCode, refused.Error!.Code));
        Assert.DoesNotContain("\"roles\":[\"", System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1])), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delegated_token_carries_exactly_the_scopes_consented_in_that_tenant()
    {
        await this.ConsentedWithRolesAsync(SimulatorTestBed.Tailspin, "Directory.Read.All,Policy.Read.All");

        string token = await this.Bed.DelegatedTokenAsync(SimulatorTestBed.Tailspin, MicrosoftCloudOptions.GraphScope);
        System.Text.Json.Nodes.JsonNode claims = System.Text.Json.Nodes.JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]))!;

        Assert.Equal("Directory.Read.All Policy.Read.All", claims["scp"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_delegated_call_needs_a_gdap_role_that_allows_it_not_only_the_scope()
    {
        await this.ConsentedWithRolesAsync(SimulatorTestBed.Tailspin, "Directory.Read.All,Policy.Read.All");
        GraphServiceClient customer = await this.DelegatedGraphAsync(SimulatorTestBed.Tailspin);

        // Application Administrator and Privileged Role Administrator read role assignments, but not Conditional Access.
        UnifiedRoleAssignmentCollectionResponse allowed = (await customer.RoleManagement.Directory.RoleAssignments.GetAsync(r => r.QueryParameters.Filter = $"roleDefinitionId eq '{Gdap.PrivilegedRoleAdministrator}'"))!;
        Microsoft.Graph.Models.ODataErrors.ODataError refused = await Assert.ThrowsAsync<Microsoft.Graph.Models.ODataErrors.ODataError>(() => customer.Identity.ConditionalAccess.Policies.GetAsync());

        Assert.NotEmpty(allowed.Value!);
        Assert.Equal(403, refused.ResponseStatusCode);
    }

    [Fact]
    public async Task A_conditional_access_policy_is_patched_with_comma_separated_guest_type_flags()
    {
        await this.ConsentedWithRolesAsync(SimulatorTestBed.Tailspin, "Directory.Read.All,Policy.Read.All,Policy.ReadWrite.ConditionalAccess", Gdap.SecurityAdministrator);
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
        await this.ConsentedWithRolesAsync(SimulatorTestBed.Tailspin);

        OrganizationCollectionResponse organization = (await (await this.DelegatedGraphAsync(SimulatorTestBed.Tailspin)).Organization.GetAsync())!;

        Assert.Equal(("Tailspin Toys", SimulatorTestBed.Tailspin.ToString()), (organization.Value![0].DisplayName, organization.Value[0].Id));
    }

    /// <summary>The service account holds Application Administrator, Privileged Role Administrator (and <paramref name="more"/>) through GDAP, and the app is consented.</summary>
    async Task ConsentedWithRolesAsync(Guid customer, string scopes = "Directory.Read.All", params string[] more)
    {
        await Gdap.GrantServiceAccountAsync(this.Bed, customer, [Gdap.ApplicationAdministrator, Gdap.PrivilegedRoleAdministrator, .. more]);
        (await Gdap.ConsentAsync(this.Bed, customer, scopes)).EnsureSuccessStatusCode();
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
