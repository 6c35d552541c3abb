using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Ports;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>
/// The product's access check (the service account's delegated token in the customer tenant) where it cannot get in:
/// each sign-in refusal Entra gives becomes the README's troubleshooting line for it.
/// </summary>
public sealed class AccessCheckTests : OwnSimulator
{
    static readonly Guid[] Roles = [Guid.Parse(Gdap.ApplicationAdministrator), Guid.Parse(Gdap.PrivilegedRoleAdministrator)];

    [Fact]
    public async Task Without_gdap_roles_in_the_customer_the_check_says_the_service_account_holds_none_yet()
    {
        AccessReport report = await this.CheckAsync(SimulatorTestBed.Woodgrove);

        Assert.Equal(
            ["The service account holds no GDAP role in the customer tenant yet: the access assignments have not propagated (up to an hour), or the service account is not in the partner groups."],
            report.Problems);
        Assert.False(report.IsGreen);
    }

    [Fact]
    public async Task With_gdap_roles_but_no_consent_the_check_says_to_refresh_to_consent_again()
    {
        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Tailspin, Gdap.ApplicationAdministrator, Gdap.PrivilegedRoleAdministrator);

        AccessReport report = await this.CheckAsync(SimulatorTestBed.Tailspin);

        Assert.Equal(["The app is not consented in the customer tenant yet (or the consent has not replicated): refresh to consent again."], report.Problems);
    }

    [Fact]
    public async Task A_conditional_access_policy_that_blocks_partner_users_makes_the_check_name_the_exclusion_to_add()
    {
        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Fabrikam, Gdap.ApplicationAdministrator, Gdap.PrivilegedRoleAdministrator);
        (await Gdap.ConsentAsync(this.Bed, SimulatorTestBed.Fabrikam)).EnsureSuccessStatusCode();
        (await this.Bed.SimAsync(HttpMethod.Post, $"customers/{SimulatorTestBed.Fabrikam}/conditional-access-policies", new { displayName = "Block everyone outside" })).EnsureSuccessStatusCode();

        AccessReport report = await this.CheckAsync(SimulatorTestBed.Fabrikam);

        Assert.Equal(["Sign-in to the customer tenant is blocked by a Conditional Access policy: exclude service provider users from it."], report.Problems);
    }

    [Fact]
    public async Task Roles_that_may_not_read_role_assignments_make_the_check_name_the_roles_to_include()
    {
        // The app was consented through an earlier relationship; the one in force now grants Exchange Administrator only.
        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Tailspin, Gdap.ApplicationAdministrator, Gdap.PrivilegedRoleAdministrator);
        (await Gdap.ConsentAsync(this.Bed, SimulatorTestBed.Tailspin)).EnsureSuccessStatusCode();
        foreach (Microsoft.Graph.Models.DelegatedAdminRelationship earlier in (await this.Bed.PartnerGraph.TenantRelationships.DelegatedAdminRelationships.GetAsync())!.Value!)
        {
            await this.Bed.PartnerGraph.Relationships(earlier.Id!).Requests.PostAsync(new Microsoft.Graph.Models.DelegatedAdminRelationshipRequest { Action = Microsoft.Graph.Models.DelegatedAdminRelationshipRequestAction.Terminate });
            await SimulatorTestBed.EventuallyAsync(async () => (await this.Bed.PartnerGraph.Relationships(earlier.Id!).GetAsync())!.Status, s => s == Microsoft.Graph.Models.DelegatedAdminRelationshipStatus.Terminated);
        }

        await Gdap.GrantServiceAccountAsync(this.Bed, SimulatorTestBed.Tailspin, SimulatorTestBed.Exchange);

        AccessReport report = await this.CheckAsync(SimulatorTestBed.Tailspin);

        string problem = Assert.Single(report.Problems);
        Assert.StartsWith("The service account may not read role assignments in the customer tenant (403: ", problem, StringComparison.Ordinal);
        Assert.EndsWith("). It needs Privileged Role Administrator, Global Reader or Directory Readers there: include one of them in the onboarding's roles.", problem, StringComparison.Ordinal);
    }

    /// <summary>The check with a connection of its own: no token cached from before the test changed the customer.</summary>
    async Task<AccessReport> CheckAsync(Guid customer)
    {
        using MicrosoftCloudConnection connection = new(this.Bed.Options());
        return await new CustomerTenantAccess(connection, BundleFunctions.Bundle.BundleConfiguration.Default).ProbeAsync(customer, Roles, default);
    }
}
