using BundleFunctions.Gdap;

namespace BundleFunctions.Core.Tests.Gdap;

public sealed class RelationshipRulesTests
{
    static readonly Guid Customer = Guid.Parse("4b827261-d21f-4aa9-b7db-7fa1f56fb163");

    static RelationshipRequest Valid() => new(
        "CPL-GDAP", TimeSpan.FromDays(730), TimeSpan.Zero, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)], Customer, "Contoso Pharma Ltd");

    static RuleViolation Single(RelationshipRequest request) => Assert.Single(request.Validate());

    [Fact]
    public void The_default_bundle_request_is_valid()
    {
        Assert.Empty(Valid().Validate());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_name_is_rejected(string name)
    {
        RuleViolation violation = Single(Valid() with { DisplayName = name });
        Assert.Equal("relationshipName", violation.Field);
        Assert.Contains("required", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_of_fifty_characters_is_accepted()
    {
        Assert.Empty((Valid() with { DisplayName = new string('a', 50) }).Validate());
    }

    [Fact]
    public void A_name_of_fifty_one_characters_is_rejected_with_its_length()
    {
        RuleViolation violation = Single(Valid() with { DisplayName = new string('a', 51) });
        Assert.Equal("The relationship name is 51 characters long; Microsoft allows at most 50.", violation.Message);
    }

    [Fact]
    public void A_name_with_surrounding_white_space_is_rejected()
    {
        Assert.Equal("relationshipName", Single(Valid() with { DisplayName = " CPL-GDAP" }).Field);
    }

    [Fact]
    public void A_name_with_a_control_character_is_rejected()
    {
        Assert.Equal("The relationship name contains U+0009, a control, format or bidirectional character that does not show: remove it.", Single(Valid() with { DisplayName = "CPL\tGDAP" }).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(730)]
    public void Durations_from_one_to_730_days_are_accepted(int days)
    {
        Assert.Empty((Valid() with { Duration = TimeSpan.FromDays(days) }).Validate());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(731)]
    [InlineData(-5)]
    public void Durations_outside_one_to_730_days_are_rejected(int days)
    {
        RuleViolation violation = Single(Valid() with { Duration = TimeSpan.FromDays(days) });
        Assert.Equal("durationDays", violation.Field);
        Assert.Equal($"The duration must be from 1 to 730 days; {days} days was asked for.", violation.Message);
    }

    [Fact]
    public void A_duration_that_is_not_whole_days_is_rejected()
    {
        Assert.Equal("The duration must be a whole number of days.", Single(Valid() with { Duration = TimeSpan.FromHours(36) }).Message);
    }

    [Fact]
    public void Auto_extend_of_180_days_is_accepted()
    {
        Assert.Empty((Valid() with { AutoExtendDuration = TimeSpan.FromDays(180) }).Validate());
    }

    [Fact]
    public void Auto_extend_other_than_none_or_180_days_is_rejected()
    {
        RuleViolation violation = Single(Valid() with { AutoExtendDuration = TimeSpan.FromDays(90) });
        Assert.Equal("autoExtend", violation.Field);
        Assert.Contains("90 days", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Global_administrator_without_auto_extend_is_accepted()
    {
        RelationshipRequest request = Valid() with { RoleTemplateIds = [RoleCatalog.GlobalAdministrator.TemplateId] };
        Assert.Empty(request.Validate());
    }

    [Fact]
    public void Global_administrator_with_auto_extend_is_rejected()
    {
        RelationshipRequest request = Valid() with
        {
            RoleTemplateIds = [RoleCatalog.GlobalAdministrator.TemplateId, RoleCatalog.ExchangeAdministrator.TemplateId],
            AutoExtendDuration = TimeSpan.FromDays(180),
        };
        RuleViolation violation = Single(request);
        Assert.Equal("autoExtend", violation.Field);
        Assert.StartsWith("A relationship that includes Global Administrator cannot auto-extend", violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_role_list_is_rejected()
    {
        Assert.Equal("At least one role is required.", Single(Valid() with { RoleTemplateIds = [] }).Message);
    }

    [Fact]
    public void An_unknown_role_id_is_rejected_by_id()
    {
        Guid unknown = Guid.Parse("11111111-2222-3333-4444-555555555555");
        RuleViolation violation = Single(Valid() with { RoleTemplateIds = [RoleCatalog.UserAdministrator.TemplateId, unknown] });
        Assert.Equal("roles", violation.Field);
        Assert.Contains(unknown.ToString(), violation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_role_listed_twice_is_rejected_by_name()
    {
        Guid exchange = RoleCatalog.ExchangeAdministrator.TemplateId;
        Assert.Equal("Exchange Administrator is listed more than once.", Single(Valid() with { RoleTemplateIds = [exchange, exchange] }).Message);
    }

    [Fact]
    public void An_empty_customer_tenant_id_is_rejected()
    {
        Assert.Equal("customerTenantId", Single(Valid() with { CustomerTenantId = Guid.Empty }).Field);
    }

    [Fact]
    public void Every_violation_is_reported_together()
    {
        RelationshipRequest request = new(
            new string('x', 60), TimeSpan.Zero, TimeSpan.FromDays(180), [RoleCatalog.GlobalAdministrator.TemplateId, Guid.NewGuid()], Guid.Empty, "X");

        IReadOnlyList<RuleViolation> violations = request.Validate();

        Assert.Equal(["relationshipName", "durationDays", "autoExtend", "roles", "customerTenantId"], violations.Select(v => v.Field));
    }
}
