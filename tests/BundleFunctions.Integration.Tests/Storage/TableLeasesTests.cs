using BundleFunctions.Infrastructure.Storage;

namespace BundleFunctions.Integration.Tests.Storage;

public sealed class TableLeasesTests
{
    static readonly TableLeaseOptions Quick = new() { FirstPoll = TimeSpan.FromMilliseconds(20), MaxPoll = TimeSpan.FromMilliseconds(100), MaxWait = TimeSpan.FromSeconds(30) };

    static TableLeases Leases(TableLeaseOptions options) => new(Azurite.Tables(), TimeProvider.System, options, "Leases" + Guid.NewGuid().ToString("N")[..12]);

    [Fact]
    public async Task Of_many_contenders_one_holds_the_lease_at_a_time_and_each_gets_it_in_turn()
    {
        TableLeases leases = Leases(Quick);
        int inside = 0, mostInside = 0, turns = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using IAsyncDisposable held = await leases.AcquireAsync("partner-groups-Acme", default);
            int now = Interlocked.Increment(ref inside);
            InterlockedMax(ref mostInside, now);
            await Task.Delay(30);
            Interlocked.Decrement(ref inside);
            Interlocked.Increment(ref turns);
        }));

        Assert.Equal((1, 8), (mostInside, turns));
    }

    [Fact]
    public async Task A_lease_its_holder_never_released_is_taken_over_once_it_expires()
    {
        TableLeases leases = Leases(new TableLeaseOptions { Expiry = TimeSpan.FromMilliseconds(300), FirstPoll = Quick.FirstPoll, MaxPoll = Quick.MaxPoll, MaxWait = TimeSpan.FromSeconds(10) });
        _ = await leases.AcquireAsync("crashed-holder", default); // never disposed: the holder "crashed"

        DateTimeOffset asked = DateTimeOffset.UtcNow;
        await using IAsyncDisposable taken = await leases.AcquireAsync("crashed-holder", default);

        Assert.InRange(DateTimeOffset.UtcNow - asked, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_lease_that_stays_taken_gives_up_after_the_longest_wait()
    {
        TableLeases leases = Leases(Quick with { MaxWait = TimeSpan.FromMilliseconds(300) });
        await using IAsyncDisposable held = await leases.AcquireAsync("busy", default);

        TimeoutException error = await Assert.ThrowsAsync<TimeoutException>(() => leases.AcquireAsync("busy", default));

        Assert.Contains("'busy'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Different_names_do_not_wait_for_each_other()
    {
        TableLeases leases = Leases(Quick with { MaxWait = TimeSpan.FromMilliseconds(300) });
        await using IAsyncDisposable acme = await leases.AcquireAsync("partner-groups-Acme", default);

        await using IAsyncDisposable other = await leases.AcquireAsync("partner-groups-Other/Prefix", default);

        Assert.NotNull(other);
    }

    static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
