using BundleFunctions.Gdap;

namespace BundleFunctions.Core.Tests.Gdap;

public sealed class RelationshipIdTests
{
    const string Documented = "5d027261-d21f-4aa9-b7db-7fa1f56fb163-8777b240-c6f0-4469-9e98-a3205431b836";

    [Fact]
    public void Microsofts_two_guid_form_is_accepted_and_recognized()
    {
        RelationshipId id = RelationshipId.Parse(Documented);
        Assert.Equal(Documented, id.Value);
        Assert.True(id.IsTwoGuidForm);
        Assert.False(Guid.TryParse(id.Value, out _));
    }

    [Fact]
    public void Another_token_of_letters_digits_and_hyphens_is_accepted_as_opaque()
    {
        Assert.True(RelationshipId.TryParse("abc-123", out RelationshipId id));
        Assert.False(id.IsTwoGuidForm);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("x' or 1 eq 1")]
    [InlineData("id#frag")]
    public void Text_unsafe_in_a_path_key_or_filter_is_refused(string text)
    {
        Assert.False(RelationshipId.TryParse(text, out _));
        Assert.Throws<FormatException>(() => RelationshipId.Parse(text));
    }

    [Fact]
    public void An_overlong_id_is_refused()
    {
        Assert.False(RelationshipId.TryParse(new string('a', 129), out _));
    }

    [Fact]
    public void The_approval_link_uses_the_relationship_id()
    {
        Uri link = ApprovalLink.For(RelationshipId.Parse(Documented));
        Assert.Equal($"https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/{Documented}", link.OriginalString);
    }
}
