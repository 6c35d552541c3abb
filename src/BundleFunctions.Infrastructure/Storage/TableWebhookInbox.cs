using Azure;
using Azure.Data.Tables;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.Storage;

/// <summary>The webhook inbox in Table Storage: partition = partner tenant, row key = dedupe key; an insert conflict is a duplicate.</summary>
public sealed class TableWebhookInbox : IWebhookInbox
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "WebhookInbox";

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
    public async Task<bool> TryRecordAsync(Guid partnerTenantId, string key, string eventName, string resourceUri, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await this.created.Value;
        try
        {
            await this.table.AddEntityAsync(
                new TableEntity(partnerTenantId.ToString("N"), key) { ["EventName"] = eventName, ["ResourceUri"] = resourceUri, ["ReceivedAt"] = at, ["Outcome"] = "received" },
                cancellationToken);
            return true;
        }
        catch (RequestFailedException duplicate) when (duplicate.Status == 409)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task MarkAsync(Guid partnerTenantId, string key, string outcome, CancellationToken cancellationToken)
    {
        await this.created.Value;
        await this.table.UpdateEntityAsync(new TableEntity(partnerTenantId.ToString("N"), key) { ["Outcome"] = outcome }, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }
}
