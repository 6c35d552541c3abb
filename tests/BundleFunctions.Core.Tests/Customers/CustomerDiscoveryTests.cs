using BundleFunctions.Customers;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Core.Tests.Customers;

public sealed class CustomerDiscoveryTests
{
    static readonly DateTimeOffset Now = new(2026, 12, 3, 9, 0, 0, TimeSpan.Zero);
    static readonly Guid Customer = Guid.Parse("c0000000-0000-4000-8000-000000000001");
    static readonly Guid[] Bundle = [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)];

    [Fact]
    public void An_active_relationship_with_every_bundle_role_and_a_year_left_covers_the_customer()
    {
        CustomerRecord judged = Judge(Active("Bundle", Bundle, days: 365));

        Assert.Equal(CustomerVerdict.Covered, judged.Verdict);
        Assert.Equal("rel-Bundle", judged.CoveringRelationshipId);
        Assert.Equal("Relationship 'Bundle' (rel-Bundle) grants every bundle role until 2027-12-03.", judged.VerdictReason);
    }

    [Fact]
    public void A_relationship_ending_within_30_days_without_auto_extend_does_not_cover()
    {
        CustomerRecord judged = Judge(Active("Bundle", Bundle, days: 10));

        Assert.Equal(CustomerVerdict.NeedsNewRelationship, judged.Verdict);
        Assert.Equal("A new relationship is needed: 'Bundle' ends on 2026-12-13, within 30 days, and does not auto-extend.", judged.VerdictReason);
    }

    [Fact]
    public void A_relationship_ending_within_30_days_that_auto_extends_still_covers()
    {
        CustomerRecord judged = Judge(Active("Bundle", Bundle, days: 10) with { AutoExtendDuration = TimeSpan.FromDays(180) });

        Assert.Equal((CustomerVerdict.Covered, "Relationship 'Bundle' (rel-Bundle) grants every bundle role and auto-extends."), (judged.Verdict, judged.VerdictReason));
    }

    [Fact]
    public void A_microsoft_led_relationship_lacking_bundle_roles_names_the_missing_ones()
    {
        Guid[] transition = [RoleCatalog.DirectoryReaders.TemplateId, RoleCatalog.UserAdministrator.TemplateId, RoleCatalog.PrivilegedRoleAdministrator.TemplateId];

        CustomerRecord judged = Judge(Active("MLT_abc", transition, days: 400));

        Assert.Equal(CustomerVerdict.NeedsNewRelationship, judged.Verdict);
        Assert.StartsWith("A new relationship is needed: 'MLT_abc' lacks 10 bundle role(s): Application Administrator, ", judged.VerdictReason, StringComparison.Ordinal);
        Assert.True(judged.Relationships.Single().IsMicrosoftLed);
    }

    [Fact]
    public void A_relationship_with_only_global_administrator_needs_a_new_one()
    {
        CustomerRecord judged = Judge(Active("Legacy", [RoleCatalog.GlobalAdministrator.TemplateId], days: 400));

        Assert.Equal((CustomerVerdict.NeedsNewRelationship, "A new relationship is needed: 'Legacy' grants only Global Administrator."), (judged.Verdict, judged.VerdictReason));
    }

    [Fact]
    public void A_covering_relationship_that_also_grants_global_administrator_says_to_migrate_it()
    {
        CustomerRecord judged = Judge(Active("Everything", [.. Bundle, RoleCatalog.GlobalAdministrator.TemplateId], days: 400));

        Assert.Equal(CustomerVerdict.Covered, judged.Verdict);
        Assert.EndsWith("; it also grants Global Administrator, so it cannot auto-extend: migrate it to the bundle's roles.", judged.VerdictReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_two_covering_relationships_the_one_that_lasts_longer_is_named()
    {
        CustomerRecord judged = Judge(Active("Short", Bundle, days: 100), Active("Long", Bundle, days: 600));

        Assert.Equal("rel-Long", judged.CoveringRelationshipId);
    }

    [Fact]
    public void A_customer_without_relationships_needs_a_new_one_and_one_with_only_ended_relationships_says_which()
    {
        CustomerRecord none = Judge();
        CustomerRecord ended = Judge(Active("Old", Bundle, days: 0) with { Status = RelationshipStatus.Expired }, Active("Gone", Bundle, days: 0) with { Status = RelationshipStatus.Terminated });

        Assert.Equal("A new relationship is needed: it has no GDAP relationship with this partner.", none.VerdictReason);
        Assert.Equal("A new relationship is needed: none of its relationships is active ('Gone' is terminated, 'Old' is expired).", ended.VerdictReason);
    }

    [Theory]
    [InlineData(OnboardingStatus.Running, "Onboarding onb-1 is running at createRelationship.")]
    [InlineData(OnboardingStatus.WaitingForCustomer, "Onboarding onb-1 is waitingForCustomer at createRelationship.")]
    [InlineData(OnboardingStatus.Failed, "Onboarding onb-1 failed at createRelationship and waits for an operator to retry or cancel it.")]
    public void An_onboarding_under_way_or_waiting_for_its_operator_is_the_verdict_whatever_the_relationships(OnboardingStatus status, string reason)
    {
        CustomerRecord judged = Judge([Active("Bundle", Bundle, days: 365)], Onboarding(status));

        Assert.Equal((CustomerVerdict.Onboarding, reason), (judged.Verdict, judged.VerdictReason));
        Assert.Equal("onb-1", judged.OnboardingId);
    }

    [Fact]
    public void A_succeeded_onboarding_leaves_the_verdict_to_the_relationships_and_keeps_its_shield()
    {
        CustomerRecord judged = Judge([Active("Bundle", Bundle, days: 365)], Onboarding(OnboardingStatus.Succeeded) with { Shield = Shield.Green });

        Assert.Equal((CustomerVerdict.Covered, OnboardingStatus.Succeeded, Shield.Green), (judged.Verdict, judged.OnboardingStatus, judged.Shield));
    }

    [Fact]
    public void A_customer_only_a_relationship_names_is_in_the_book_with_the_relationships_name_for_it()
    {
        IReadOnlyList<CustomerRecord> book = CustomerDiscovery.Judge(
            [new PartnerCustomer(Guid.Parse("c0000000-0000-4000-8000-000000000002"), "Listed Ltd", "listed.onmicrosoft.com")],
            [Active("Bundle", Bundle, days: 365) with { CustomerName = "Unlisted Ltd" }],
            [],
            Bundle,
            Now);

        Assert.Equal([("Unlisted Ltd", false), ("Listed Ltd", true)], book.Select(c => (c.Name, c.InPartnerCenter)));
    }

    static CustomerRecord Judge(params RelationshipSnapshot[] relationships) => Judge(relationships, null);

    static CustomerRecord Judge(RelationshipSnapshot[] relationships, OnboardingRecord? onboarding) =>
        CustomerDiscovery.Judge([new PartnerCustomer(Customer, "Contoso", "contoso.onmicrosoft.com")], relationships, onboarding is null ? [] : [onboarding], Bundle, Now).Single();

    static RelationshipSnapshot Active(string name, Guid[] roles, int days) =>
        new($"rel-{name}", name, Customer, RelationshipStatus.Active, roles, Now.AddDays(days));

    static OnboardingRecord Onboarding(OnboardingStatus status) =>
        OnboardingRecord.New(new OnboardingSubject("onb-1", Guid.NewGuid(), Customer, "Contoso", null), Now) with { Status = status, CurrentStep = OnboardingStep.CreateRelationship };
}
