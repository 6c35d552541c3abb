using BundleFunctions.Gdap;

namespace BundleFunctions.Core.Tests.Gdap;

public sealed class PartnerGroupNameTests
{
    [Fact]
    public void A_group_is_named_prefix_GDAP_role()
    {
        PartnerGroupName name = PartnerGroupName.For(PartnerGroupName.DefaultPrefix, RoleCatalog.ExchangeAdministrator);
        Assert.Equal("BundleFunctions GDAP-Exchange Administrator", name.DisplayName);
        Assert.Equal("BundleFunctionsGDAPExchangeAdministrator", name.MailNickname);
    }

    [Fact]
    public void The_mail_nickname_keeps_only_ascii_letters_and_digits_and_fits_in_64()
    {
        PartnerGroupName name = PartnerGroupName.For("Müller & Co. (IT)", RoleCatalog.PrivilegedAuthenticationAdministrator);
        Assert.Equal("Müller & Co. (IT) GDAP-Privileged Authentication Administrator", name.DisplayName);
        Assert.Matches("^[A-Za-z0-9]{1,64}$", name.MailNickname);
        Assert.StartsWith("MllerCoITGDAPPrivileged", name.MailNickname, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_bundle_role_gets_a_distinct_group()
    {
        IEnumerable<PartnerGroupName> names = RoleCatalog.BundleRoles.Select(r => PartnerGroupName.For("Acme", r));
        Assert.Equal(12, names.Select(n => n.DisplayName).Distinct().Count());
        Assert.Equal(12, names.Select(n => n.MailNickname).Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("###")]
    public void An_unusable_prefix_is_rejected(string prefix)
    {
        Assert.False(PartnerGroupName.IsValidPrefix(prefix, out string? problem));
        Assert.NotEmpty(problem);
        Assert.Throws<ArgumentException>(() => PartnerGroupName.For(prefix, RoleCatalog.UserAdministrator));
    }

    [Fact]
    public void A_prefix_longer_than_64_characters_is_rejected()
    {
        Assert.False(PartnerGroupName.IsValidPrefix(new string('a', 65), out _));
    }
}
