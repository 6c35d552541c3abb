using BundleFunctions.Bundle;

namespace BundleFunctions.Core.Tests.Bundle;

public sealed class BundleConfigurationTests
{
    [Fact]
    public void By_default_customers_are_consented_to_microsoft_graph_with_the_standard_preset()
    {
        ConsentGrant graph = Assert.Single(BundleConfiguration.Default.ConsentGrants);

        Assert.Equal(Integration.MicrosoftGraph, graph.Integration);
        Assert.Equal("Directory.Read.All,DelegatedPermissionGrant.ReadWrite.All,Application.ReadWrite.All,Policy.Read.All", graph.ScopeList);
    }

    [Fact]
    public void Exchange_online_on_adds_its_grant_and_picked_graph_permissions_join_the_preset()
    {
        BundleConfiguration configuration = BundleConfiguration.From("exchangeOnline", "standard", "User.Read.All, Directory.Read.All").Configuration!;

        Assert.Equal(["Microsoft Graph", "Office 365 Exchange Online"], configuration.ConsentGrants.Select(g => g.Integration.DisplayName));
        Assert.Equal("Directory.Read.All,DelegatedPermissionGrant.ReadWrite.All,Application.ReadWrite.All,Policy.Read.All,User.Read.All", configuration.ConsentGrants[0].ScopeList);
        Assert.Equal("Exchange.Manage", configuration.ConsentGrants[1].ScopeList);
    }

    [Fact]
    public void An_unknown_integration_or_preset_is_named_with_the_choices()
    {
        Assert.Equal("Bundle__Integrations names unknown integration(s) sharepoint: use microsoftGraph, exchangeOnline, partnerCenter, azureKeyVault.", BundleConfiguration.From("sharepoint", null, null).Problem);
        Assert.Equal("Bundle__GraphPreset 'everything' is not a preset: use standard or management.", BundleConfiguration.From(null, "everything", null).Problem);
    }
}
