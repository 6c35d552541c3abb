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
    public void The_enterprise_app_path_takes_nothing_that_shapes_a_relationship_and_asks_for_no_roles()
    {
        OnboardingRequest plain = new(Customer, "Contoso", Path: OnboardingPath.EnterpriseApp);
        IReadOnlyList<RuleViolation> shaped = new OnboardingRequest(
            Customer, "Contoso", RelationshipName: "Contoso-Ops", DurationDays: 30, AutoExtend: false, Roles: [RoleCatalog.UserAdministrator.TemplateId],
            AdoptRelationshipId: "a-b", ReplacesRelationshipIds: ["c-d"], Path: OnboardingPath.EnterpriseApp).Validate();

        OnboardingSubject subject = plain.SubjectFor("onb-1", Guid.Empty);
        Assert.Empty(plain.Validate());
        Assert.Equal((OnboardingPath.EnterpriseApp, null), (subject.Path, subject.RoleTemplateIds));
        Assert.Equal(["relationshipName", "durationDays", "autoExtend", "roles", "adoptRelationshipId", "replacesRelationshipIds"], shaped.Select(v => v.Field));
        Assert.Equal("roles belongs to a GDAP relationship; the enterprise-app path makes none: leave roles out, or leave path out for GDAP.", shaped[3].Message);
    }

    [Fact]
    public void Adopting_takes_a_relationship_id_and_nothing_that_shapes_a_new_relationship()
    {
        const string existing = "5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836";

        IReadOnlyList<RuleViolation> alone = new OnboardingRequest(Customer, "Contoso", AdoptRelationshipId: existing).Validate();
        IReadOnlyList<RuleViolation> shaped = new OnboardingRequest(Customer, "Contoso", RelationshipName: "Contoso-Ops", DurationDays: 30, AutoExtend: false, AdoptRelationshipId: existing).Validate();
        IReadOnlyList<RuleViolation> malformed = new OnboardingRequest(Customer, "Contoso", AdoptRelationshipId: "not an id").Validate();

        Assert.Empty(alone);
        Assert.Equal(["relationshipName", "durationDays", "autoExtend"], shaped.Select(v => v.Field));
        Assert.Equal("durationDays shapes a new relationship; an adopted relationship keeps its own: leave durationDays out, or adoptRelationshipId to request a new one.", shaped[1].Message);
        Assert.Equal(("adoptRelationshipId", "'not an id' is not a GDAP relationship ID: letters, digits and hyphens, at most 128 characters (Graph's are two GUIDs joined by a hyphen)."), (Assert.Single(malformed).Field, malformed[0].Message));
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

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    [InlineData(731)]
    [InlineData(0)]
    public void A_duration_outside_1_to_730_days_is_one_violation_however_far_outside(int days)
    {
        RuleViolation violation = Assert.Single(new OnboardingRequest(Customer, "Contoso", DurationDays: days).Validate());

        Assert.Equal(("durationDays", $"The duration must be from 1 to 730 days; {days} days was asked for."), (violation.Field, violation.Message));
    }

    [Theory]
    [InlineData("Contoso\\u202Egnp.exe", "U+202E")] // right-to-left override
    [InlineData("Contoso\\u200B", "U+200B")] // zero-width space
    [InlineData("Contoso\\u2066Ltd", "U+2066")] // left-to-right isolate
    [InlineData("Contoso\\u2028Ltd", "U+2028")] // line separator
    [InlineData("Contoso\\u0007", "U+0007")] // bell
    [InlineData("Contoso\\uE000", "U+E000")] // private use
    [InlineData("Contoso\\uD800", "U+D800")] // a lone surrogate
    public void A_name_with_a_character_that_does_not_show_is_rejected_naming_it(string escaped, string named)
    {
        string name = System.Text.RegularExpressions.Regex.Unescape(escaped);

        IReadOnlyList<RuleViolation> violations = new OnboardingRequest(Customer, name, RelationshipName: "C-GDAP", OrganizationId: name).Validate();
        RuleViolation relationship = Assert.Single(new OnboardingRequest(Customer, "Contoso", RelationshipName: name[..^1] + "-GDAP" + name[^1]).Validate());

        Assert.Equal(["customerName", "organizationId"], violations.Select(v => v.Field));
        Assert.All(violations.Append(relationship), v => Assert.Contains(named, v.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Zoë & Søn AB")]
    [InlineData("株式会社コントソ")]
    [InlineData("Contoso 🚀")]
    [InlineData("مؤسسة كونتوسو")]
    public void Names_in_any_script_with_visible_characters_are_accepted(string name)
    {
        Assert.Empty(new OnboardingRequest(Customer, name, RelationshipName: "C-GDAP", OrganizationId: name).Validate());
    }
}
