using BundleFunctions.Infrastructure.Storage;
using BundleFunctions.Ports;

namespace BundleFunctions.Integration.Tests.Storage;

public sealed class TableWebhookInboxTests
{
    static readonly DateTimeOffset T0 = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(1);
    readonly TableWebhookInbox inbox = new(Azurite.Tables(), "WebhookInboxSpec");
    readonly Guid partner = Guid.NewGuid();

    Task<InboxClaim> ClaimAsync(string key, DateTimeOffset at) =>
        this.inbox.ClaimAsync(this.partner, key, "granular-admin-relationship-approved", "https://api.partnercenter.microsoft.com/x", at, ClaimTimeout, default);

    [Fact]
    public async Task A_first_delivery_is_new_and_a_delivery_after_it_was_handled_is_a_duplicate()
    {
        InboxClaim first = await this.ClaimAsync("handled", T0);
        await this.inbox.MarkAsync(this.partner, "handled", "raised RelationshipApproved on onb-x", default);

        InboxClaim again = await this.ClaimAsync("handled", T0.AddHours(1));

        Assert.Equal((InboxClaim.New, InboxClaim.Handled), (first, again));
    }

    [Fact]
    public async Task A_redelivery_of_an_event_whose_handling_never_finished_is_handled_again_once_the_claim_has_lapsed()
    {
        await this.ClaimAsync("unfinished", T0); // the receiver died before marking it

        InboxClaim meanwhile = await this.ClaimAsync("unfinished", T0.AddSeconds(10));
        InboxClaim later = await this.ClaimAsync("unfinished", T0.AddMinutes(5));
        InboxClaim rightAfter = await this.ClaimAsync("unfinished", T0.AddMinutes(5).AddSeconds(1));

        Assert.Equal((InboxClaim.InProgress, InboxClaim.Unfinished, InboxClaim.InProgress), (meanwhile, later, rightAfter));
    }

    [Fact]
    public async Task Of_concurrent_redeliveries_of_an_unfinished_event_exactly_one_takes_it()
    {
        await this.ClaimAsync("raced", T0);

        InboxClaim[] claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => this.ClaimAsync("raced", T0.AddMinutes(5))));

        Assert.Single(claims, c => c == InboxClaim.Unfinished);
        Assert.All(claims.Where(c => c != InboxClaim.Unfinished), c => Assert.Equal(InboxClaim.InProgress, c));
    }
}
