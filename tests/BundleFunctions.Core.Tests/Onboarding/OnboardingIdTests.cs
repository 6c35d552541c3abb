using BundleFunctions.Onboarding;

namespace BundleFunctions.Core.Tests.Onboarding;

public sealed class OnboardingIdTests
{
    static readonly Guid Partner = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    static readonly Guid Customer = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");

    [Fact]
    public void The_same_partner_and_customer_always_give_the_same_id()
    {
        Assert.Equal(OnboardingId.For(Partner, Customer), OnboardingId.For(Partner, Customer));
        Assert.Equal("onb-aaaaaaaa000000000000000000000001-bbbbbbbb000000000000000000000002", OnboardingId.For(Partner, Customer));
    }

    [Fact]
    public void Another_partner_gives_another_id_for_the_same_customer()
    {
        Assert.NotEqual(OnboardingId.For(Partner, Customer), OnboardingId.For(Guid.NewGuid(), Customer));
    }

    [Fact]
    public void The_tenants_are_read_back_from_the_id()
    {
        Assert.True(OnboardingId.TryParse(OnboardingId.For(Partner, Customer), out Guid partner, out Guid customer));
        Assert.Equal((Partner, Customer), (partner, customer));
    }

    [Theory]
    [InlineData("")]
    [InlineData("onb-nothex")]
    [InlineData("xyz-aaaaaaaa000000000000000000000001-bbbbbbbb000000000000000000000002")]
    public void Other_text_is_not_an_onboarding_id(string text)
    {
        Assert.False(OnboardingId.TryParse(text, out _, out _));
    }
}
