using Azure;
using Azure.Data.Tables;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.Storage;

/// <summary>The webhook inbox in Table Storage: partition = partner tenant, row key = dedupe key; an insert conflict is a duplicate.</summary>
public sealed class TableWebhookInbox : IWebhookInbox
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "WebhookInbox";

    /// <summary>The outcome of an event recorded but not yet handled.</summary>
    const string Received = "received";

    readonly TableClient table;
    readonly Lazy<Task> created;

    /// <summary>Initializes a new instance of the <see cref="TableWebhookInbox"/> class.</summary>
    /// <param name="tables">The storage account's table service.</param>
    /// <param name="tableName">The table; created on first use.</param>
    public TableWebhookInbox(TableServiceClient tables, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        this.table = tables.GetTableClient(tableName);
        this.created = new Lazy<Task>(() => this.table.CreateIfNotExistsAsync());
    }

    /// <inheritdoc />
    public async Task<InboxClaim> ClaimAsync(Guid partnerTenantId, string key, string eventName, string resourceUri, DateTimeOffset at, TimeSpan claimTimeout, CancellationToken cancellationToken)
    {
        await this.created.Value;
        string partition = partnerTenantId.ToString("N");
        try
        {
            await this.table.AddEntityAsync(
                new TableEntity(partition, key) { ["EventName"] = eventName, ["ResourceUri"] = resourceUri, ["ReceivedAt"] = at, ["ClaimedAt"] = at, ["Outcome"] = Received },
                cancellationToken);
            return InboxClaim.New;
        }
        catch (RequestFailedException exists) when (exists.Status == 409)
        {
            NullableResponse<TableEntity> row = await this.table.GetEntityIfExistsAsync<TableEntity>(partition, key, cancellationToken: cancellationToken);
            if (!row.HasValue || row.Value!.GetString("Outcome") != Received)
            {
                return InboxClaim.Handled;
            }

            if (row.Value.GetDateTimeOffset("ClaimedAt") is { } claimed && at - claimed < claimTimeout)
            {
                return InboxClaim.InProgress;
            }

            try
            {
                await this.table.UpdateEntityAsync(new TableEntity(partition, key) { ["ClaimedAt"] = at }, row.Value.ETag, TableUpdateMode.Merge, cancellationToken);
                return InboxClaim.Unfinished;
            }
            catch (RequestFailedException lost) when (lost.Status == 412)
            {
                return InboxClaim.InProgress;
            }
        }
    }

    /// <inheritdoc />
    public async Task MarkAsync(Guid partnerTenantId, string key, string outcome, CancellationToken cancellationToken)
    {
        await this.created.Value;
        await this.table.UpdateEntityAsync(new TableEntity(partnerTenantId.ToString("N"), key) { ["Outcome"] = outcome }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }
}
