using BundleFunctions.Gdap;

namespace BundleFunctions.Core.Tests.Gdap;

public sealed class RoleCatalogTests
{
    [Theory]
    [InlineData("Application Administrator", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3")]
    [InlineData("Authentication Policy Administrator", "0526716b-113d-4c15-b2c8-68e3c22b9f80")]
    [InlineData("Cloud App Security Administrator", "892c5842-a9a6-463a-8041-72aa08ca3cf6")]
    [InlineData("Cloud Device Administrator", "7698a772-787b-4ac8-901f-60d6b08affd2")]
    [InlineData("Exchange Administrator", "29232cdf-9323-42fd-ade2-1d097af3e4de")]
    [InlineData("Intune Administrator", "3a2c62db-5318-420d-8d74-23affee5d9d5")]
    [InlineData("User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1")]
    [InlineData("Privileged Authentication Administrator", "7be44c8a-adaf-4e2a-84d6-ab2649e08a13")]
    [InlineData("Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814")]
    [InlineData("Security Administrator", "194ae4cb-b126-40b2-bd5b-6091b380977d")]
    [InlineData("SharePoint Administrator", "f28a1f50-f6e7-4571-818b-6a12f2af6b6c")]
    [InlineData("Teams Administrator", "69091246-20e8-4a56-aa4d-066075b2a7a8")]
    public void Bundle_roles_carry_the_exact_Entra_template_ids(string name, string templateId)
    {
        Assert.Contains(new EntraRole(name, Guid.Parse(templateId)), RoleCatalog.BundleRoles);
    }

    [Fact]
    public void The_default_template_is_the_twelve_bundle_roles_without_global_administrator()
    {
        Assert.Equal(12, RoleTemplate.Default.Roles.Count);
        Assert.Equal(12, RoleTemplate.Default.Roles.Select(r => r.TemplateId).Distinct().Count());
        Assert.DoesNotContain(RoleCatalog.GlobalAdministrator, RoleTemplate.Default.Roles);
    }

    [Theory]
    [InlineData("62e90394-69f5-4237-9190-012177145e10", "Global Administrator")]
    [InlineData("88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "Directory Readers")]
    [InlineData("b0f54661-2d74-4c50-afa3-1ec803f12efe", "Billing Administrator")]
    [InlineData("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader")]
    [InlineData("8329153b-31d0-4727-b945-745eb3bc5f31", "Domain Name Administrator")]
    public void Optional_roles_are_known_by_template_id(string templateId, string name)
    {
        Assert.True(RoleCatalog.TryFind(Guid.Parse(templateId), out EntraRole? role));
        Assert.Equal(name, role.Name);
    }

    [Fact]
    public void An_unknown_template_id_is_named_by_its_id()
    {
        Guid unknown = Guid.Parse("00000000-0000-0000-0000-000000000001");
        Assert.False(RoleCatalog.TryFind(unknown, out _));
        Assert.Equal(unknown.ToString(), RoleCatalog.NameOf(unknown));
    }
}
