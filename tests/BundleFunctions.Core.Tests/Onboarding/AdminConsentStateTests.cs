using BundleFunctions.Onboarding;

namespace BundleFunctions.Core.Tests.Onboarding;

public sealed class AdminConsentStateTests
{
    const string Onboarding = "onb-7f5b1c2e00004a6b9c1d5e2f3a4b5c6d-b0000000000040008000000000000001";

    [Fact]
    public void A_new_state_names_its_onboarding_and_is_never_the_same_twice()
    {
        string first = AdminConsentState.New(Onboarding), second = AdminConsentState.New(Onboarding);

        Assert.Equal(Onboarding, AdminConsentState.OnboardingOf(first));
        Assert.NotEqual(first, second);
        Assert.Equal(Onboarding.Length + 1 + 32, first.Length); // 192 random bits, base64url
    }

    [Fact]
    public void Only_the_state_of_the_published_link_matches()
    {
        string state = AdminConsentState.New(Onboarding);
        Uri link = new($"https://login.microsoftonline.com/b0000000-0000-4000-8000-000000000001/v2.0/adminconsent?client_id=x&state={Uri.EscapeDataString(state)}");

        Assert.True(AdminConsentState.Matches(link, state));
        Assert.False(AdminConsentState.Matches(link, AdminConsentState.New(Onboarding)));
        Assert.False(AdminConsentState.Matches(link, state[..^1]));
        Assert.False(AdminConsentState.Matches(null, state));
        Assert.False(AdminConsentState.Matches(new Uri("https://login.microsoftonline.com/x/v2.0/adminconsent?client_id=x"), state));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-separator")]
    [InlineData("~leading")]
    [InlineData("trailing~")]
    public void A_state_this_product_does_not_make_names_no_onboarding(string? state) => Assert.Null(AdminConsentState.OnboardingOf(state));
}
