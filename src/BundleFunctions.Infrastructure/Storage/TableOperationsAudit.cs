using System.Globalization;
using Azure.Data.Tables;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.Storage;

/// <summary>
/// Partner-wide audit entries in Table Storage: partition = partner tenant, row key = inverted ticks + a random suffix, so
/// a query reads the newest first and two entries in the same tick never collide.
/// </summary>
public sealed class TableOperationsAudit : IOperationsAudit
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "OperationsAudit";

    readonly TableClient table;
    readonly Lazy<Task> created;

    /// <summary>Initializes a new instance of the <see cref="TableOperationsAudit"/> class.</summary>
    /// <param name="tables">The storage account's table service.</param>
    /// <param name="tableName">The table; created on first use.</param>
    public TableOperationsAudit(TableServiceClient tables, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        this.table = tables.GetTableClient(tableName);
        this.created = new Lazy<Task>(() => this.table.CreateIfNotExistsAsync());
    }

    /// <inheritdoc />
    public async Task RecordAsync(Guid partnerTenantId, OperationsAuditEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await this.created.Value;
        string rowKey = (DateTimeOffset.MaxValue.Ticks - entry.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        await this.table.AddEntityAsync(
            new TableEntity(partnerTenantId.ToString("N"), rowKey)
            {
                ["At"] = entry.At,
                ["Actor"] = entry.Actor,
                ["Action"] = entry.Action,
                ["Target"] = entry.Target,
                ["Detail"] = entry.Detail,
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OperationsAuditEntry>> ListAsync(Guid partnerTenantId, int top, CancellationToken cancellationToken)
    {
        await this.created.Value;
        List<OperationsAuditEntry> entries = [];
        await foreach (TableEntity entity in this.table.QueryAsync<TableEntity>(e => e.PartitionKey == partnerTenantId.ToString("N"), maxPerPage: top, cancellationToken: cancellationToken))
        {
            entries.Add(new(entity.GetDateTimeOffset("At")!.Value, entity.GetString("Actor"), entity.GetString("Action"), entity.GetString("Target"), entity.GetString("Detail")));
            if (entries.Count == top)
            {
                break;
            }
        }

        return entries;
    }
}
