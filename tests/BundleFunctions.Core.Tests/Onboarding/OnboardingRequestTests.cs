using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;

namespace BundleFunctions.Core.Tests.Onboarding;

public sealed class OnboardingRequestTests
{
    static readonly Guid Customer = Guid.Parse("4b827261-d21f-4aa9-b7db-7fa1f56fb163");

    [Fact]
    public void Defaults_ask_for_the_bundle_roles_for_730_days_without_auto_extend()
    {
        RelationshipRequest relationship = new OnboardingRequest(Customer, "Contoso Pharma Ltd").ToRelationshipRequest();

        Assert.Equal("CPL-GDAP", relationship.DisplayName);
        Assert.Equal(TimeSpan.FromDays(730), relationship.Duration);
        Assert.Equal(TimeSpan.Zero, relationship.AutoExtendDuration);
        Assert.Equal(RoleTemplate.Default.Roles.Select(r => r.TemplateId), relationship.RoleTemplateIds);
        Assert.Equal(Customer, relationship.CustomerTenantId);
    }

    [Fact]
    public void Given_values_override_the_defaults()
    {
        RelationshipRequest relationship = new OnboardingRequest(
            Customer, "Contoso", RelationshipName: "Contoso-Ops", DurationDays: 30, AutoExtend: true,
            Roles: [RoleCatalog.UserAdministrator.TemplateId]).ToRelationshipRequest();

        Assert.Equal("Contoso-Ops", relationship.DisplayName);
        Assert.Equal(TimeSpan.FromDays(30), relationship.Duration);
        Assert.Equal(TimeSpan.FromDays(180), relationship.AutoExtendDuration);
        Assert.Equal([RoleCatalog.UserAdministrator.TemplateId], relationship.RoleTemplateIds);
    }

    [Fact]
    public void A_missing_customer_name_is_rejected()
    {
        RuleViolation violation = Assert.Single(new OnboardingRequest(Customer, " ", RelationshipName: "X-GDAP").Validate());
        Assert.Equal("customerName", violation.Field);
    }

    [Fact]
    public void A_malformed_customer_domain_is_rejected()
    {
        RuleViolation violation = Assert.Single(new OnboardingRequest(Customer, "Contoso", CustomerDomain: "not a domain").Validate());
        Assert.Equal("customerDomain", violation.Field);
    }

    [Fact]
    public void A_well_formed_customer_domain_is_accepted()
    {
        Assert.Empty(new OnboardingRequest(Customer, "Contoso", CustomerDomain: "contoso.onmicrosoft.com").Validate());
    }

    [Fact]
    public void Request_and_relationship_violations_are_reported_together()
    {
        IReadOnlyList<RuleViolation> violations = new OnboardingRequest(Guid.Empty, "Contoso", DurationDays: 731, OrganizationId: new string('o', 200)).Validate();
        Assert.Equal(["organizationId", "durationDays", "customerTenantId"], violations.Select(v => v.Field));
    }
}
