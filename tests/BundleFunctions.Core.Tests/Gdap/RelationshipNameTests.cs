using BundleFunctions.Gdap;

namespace BundleFunctions.Core.Tests.Gdap;

public sealed class RelationshipNameTests
{
    static readonly Guid Customer = Guid.Parse("1a2b3c4d-0000-0000-0000-000000000000");

    [Theory]
    [InlineData("Contoso Pharma Ltd", "CPL-GDAP")]
    [InlineData("contoso pharma", "CP-GDAP")]
    [InlineData("Fabrikam", "Fabrikam-GDAP")]
    [InlineData("Northwind-Traders & Sons", "NTS-GDAP")]
    [InlineData("Supercalifragilistic", "Supercalifra-GDAP")]
    [InlineData("!!!", "Customer-GDAP")]
    [InlineData("", "Customer-GDAP")]
    public void The_default_name_is_made_from_the_customer_name(string customer, string expected)
    {
        Assert.Equal(expected, RelationshipName.DefaultFor(customer));
    }

    [Fact]
    public void A_default_name_is_never_longer_than_fifty_characters()
    {
        string name = RelationshipName.DefaultFor(string.Join(' ', Enumerable.Repeat("Word", 40)));
        Assert.True(name.Length <= RelationshipRules.MaxDisplayNameLength);
    }

    [Fact]
    public void A_free_name_is_kept()
    {
        Assert.Equal("CPL-GDAP", RelationshipName.MakeUnique("CPL-GDAP", ["Other-GDAP"], Customer));
    }

    [Fact]
    public void A_taken_name_gets_a_suffix_from_the_customer_tenant_id()
    {
        Assert.Equal("CPL-GDAP-1a2b", RelationshipName.MakeUnique("CPL-GDAP", ["cpl-gdap"], Customer));
    }

    [Fact]
    public void A_taken_suffixed_name_is_numbered()
    {
        Assert.Equal("CPL-GDAP-1a2b-2", RelationshipName.MakeUnique("CPL-GDAP", ["CPL-GDAP", "CPL-GDAP-1a2b"], Customer));
    }

    [Fact]
    public void A_suffixed_name_still_fits_in_fifty_characters()
    {
        string wanted = new('n', 50);
        string unique = RelationshipName.MakeUnique(wanted, [wanted], Customer);
        Assert.Equal(50, unique.Length);
        Assert.EndsWith("-1a2b", unique, StringComparison.Ordinal);
    }
}
