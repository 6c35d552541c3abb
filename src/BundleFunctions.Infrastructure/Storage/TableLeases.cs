using Azure;
using Azure.Data.Tables;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.Storage;

/// <summary>
/// Leases as Table Storage rows: inserting the row takes a free lease (an insert conflict means taken); an expired one is
/// taken over with its ETag, so of two contenders exactly one wins; releasing deletes the row with the holder's ETag.
/// An expiry bounds how long a crashed holder blocks the others.
/// </summary>
public sealed class TableLeases : ILeases
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "Leases";

    const string Partition = "lease";

    readonly TableClient table;
    readonly Lazy<Task> created;
    readonly TimeProvider time;
    readonly TableLeaseOptions options;

    /// <summary>Initializes a new instance of the <see cref="TableLeases"/> class.</summary>
    /// <param name="tables">The storage account's table service.</param>
    /// <param name="time">The clock.</param>
    /// <param name="options">Expiry and waiting; defaults when null.</param>
    /// <param name="tableName">The table; created on first use.</param>
    public TableLeases(TableServiceClient tables, TimeProvider time, TableLeaseOptions? options = null, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        this.table = tables.GetTableClient(tableName);
        this.created = new Lazy<Task>(() => this.table.CreateIfNotExistsAsync());
        this.time = time;
        this.options = options ?? new TableLeaseOptions();
    }

    /// <inheritdoc />
    public async Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        name = string.Concat(name.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c)); // what a row key may hold
        await this.created.Value;
        DateTimeOffset giveUpAt = this.time.GetUtcNow() + this.options.MaxWait;
        TimeSpan pause = this.options.FirstPoll;
        while (true)
        {
            if (await this.TryTakeAsync(name, cancellationToken) is { } etag)
            {
                return new Held(this.table, name, etag);
            }

            if (this.time.GetUtcNow() >= giveUpAt)
            {
                throw new TimeoutException($"The lease '{name}' stayed taken for {this.options.MaxWait.TotalSeconds:0} s.");
            }

            await Task.Delay(pause, this.time, cancellationToken);
            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, this.options.MaxPoll.Ticks));
        }
    }

    async Task<ETag?> TryTakeAsync(string name, CancellationToken cancellationToken)
    {
        DateTimeOffset now = this.time.GetUtcNow();
        TableEntity lease = new(Partition, name) { ["ExpiresAt"] = now + this.options.Expiry, ["TakenAt"] = now };
        try
        {
            return (await this.table.AddEntityAsync(lease, cancellationToken)).Headers.ETag;
        }
        catch (RequestFailedException taken) when (taken.Status == 409)
        {
        }

        NullableResponse<TableEntity> current = await this.table.GetEntityIfExistsAsync<TableEntity>(Partition, name, cancellationToken: cancellationToken);
        if (!current.HasValue)
        {
            return null; // released in between: the next round inserts
        }

        if (current.Value!.GetDateTimeOffset("ExpiresAt") is { } expires && expires > now)
        {
            return null;
        }

        try
        {
            return (await this.table.UpdateEntityAsync(lease, current.Value.ETag, TableUpdateMode.Replace, cancellationToken)).Headers.ETag;
        }
        catch (RequestFailedException lost) when (lost.Status is 412 or 404)
        {
            return null; // another contender took over the expired lease first
        }
    }

    sealed class Held(TableClient table, string name, ETag? etag) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await table.DeleteEntityAsync(Partition, name, etag ?? ETag.All, CancellationToken.None);
            }
            catch (RequestFailedException gone) when (gone.Status is 404 or 412)
            {
                // Expired and taken over by another holder, or already gone: nothing of ours to release.
            }
        }
    }
}

/// <summary>How <see cref="TableLeases"/> expire and wait.</summary>
public sealed record TableLeaseOptions
{
    /// <summary>How long a lease holds without release; longer than the guarded work ever takes.</summary>
    public TimeSpan Expiry { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>First pause while the lease is taken; doubles up to <see cref="MaxPoll"/>.</summary>
    public TimeSpan FirstPoll { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Longest pause between attempts.</summary>
    public TimeSpan MaxPoll { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for a taken lease before giving up (the activity's retry policy then tries again).</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromMinutes(3);
}
