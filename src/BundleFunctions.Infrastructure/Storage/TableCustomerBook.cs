using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using BundleFunctions.Customers;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.Storage;

/// <summary>
/// The customer book in Azure Table Storage: one partition per partner tenant, one row per customer (row key = tenant ID),
/// the relationships as a JSON column. An import merges its columns into each row in entity-group transactions of 100, so
/// the <c>OrganizationId</c> column, which only the mapping writes, and the <c>Offboarded…</c> columns, which only an
/// offboarding writes, survive every import.
/// </summary>
public sealed class TableCustomerBook : ICustomerBook
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "Customers";

    const int TransactionLimit = 100;

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    readonly TableClient table;
    readonly Lazy<Task> created;

    /// <summary>Initializes a new instance of the <see cref="TableCustomerBook"/> class.</summary>
    /// <param name="tables">The storage account's table service.</param>
    /// <param name="tableName">The table to use; created on first use.</param>
    public TableCustomerBook(TableServiceClient tables, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        this.table = tables.GetTableClient(tableName);
        this.created = new Lazy<Task>(() => this.table.CreateIfNotExistsAsync());
    }

    /// <inheritdoc />
    public async Task SaveImportAsync(Guid partnerTenantId, IReadOnlyList<CustomerRecord> customers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(customers);
        await this.created.Value;
        foreach (CustomerRecord[] chunk in customers.Chunk(TransactionLimit))
        {
            await this.table.SubmitTransactionAsync(chunk.Select(c => new TableTransactionAction(TableTransactionActionType.UpsertMerge, ToEntity(partnerTenantId, c))), cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<CustomerRecord?> GetAsync(Guid partnerTenantId, Guid customerTenantId, CancellationToken cancellationToken)
    {
        await this.created.Value;
        NullableResponse<TableEntity> stored = await this.table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(partnerTenantId), RowOf(customerTenantId), cancellationToken: cancellationToken);
        return stored.HasValue ? ToRecord(stored.Value!) : null;
    }

    /// <inheritdoc />
    public async Task<CustomerPage> ListPageAsync(Guid partnerTenantId, CustomerQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await this.created.Value;
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(partnerTenantId)}");
        if (query.Verdict is { } verdict)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Verdict eq {verdict.ToString()}");
        }

        if (query.OrganizationId is { } organization)
        {
            filter += " and " + TableClient.CreateQueryFilter($"OrganizationId eq {organization}");
        }

        (IReadOnlyList<CustomerRecord> items, string? next) = await TablePages.ReadAsync(this.table, filter, query.Top, query.ContinuationToken, ToRecord, cancellationToken);
        return new CustomerPage(items, next);
    }

    /// <inheritdoc />
    public async Task<CustomerRecord?> SetOrganizationAsync(Guid partnerTenantId, Guid customerTenantId, string? organizationId, CancellationToken cancellationToken)
    {
        await this.created.Value;
        NullableResponse<TableEntity> stored = await this.table.GetEntityIfExistsAsync<TableEntity>(PartitionOf(partnerTenantId), RowOf(customerTenantId), cancellationToken: cancellationToken);
        if (!stored.HasValue)
        {
            return null;
        }

        TableEntity row = stored.Value!;
        row["OrganizationId"] = organizationId ?? string.Empty;

        // A merge of this column alone: an import merges every other column and never this one, so neither undoes the other.
        await this.table.UpdateEntityAsync(new TableEntity(row.PartitionKey, row.RowKey) { ["OrganizationId"] = row["OrganizationId"] }, ETag.All, TableUpdateMode.Merge, cancellationToken);
        return ToRecord(row);
    }

    /// <inheritdoc />
    public async Task SetOffboardingAsync(Guid partnerTenantId, Guid customerTenantId, CustomerOffboarding? offboarding, CancellationToken cancellationToken)
    {
        await this.created.Value;
        TableEntity columns = new(PartitionOf(partnerTenantId), RowOf(customerTenantId))
        {
            ["OffboardedAt"] = offboarding?.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty,
            ["OffboardedBy"] = offboarding?.By ?? string.Empty,
            ["OffboardingSummary"] = offboarding?.Summary ?? string.Empty,
        };
        if (offboarding is not null)
        {
            // The book tells at once; the next import keeps the verdict (it reads these columns).
            columns["Verdict"] = nameof(CustomerVerdict.Offboarded);
            columns["VerdictReason"] = CustomerDiscovery.Offboarded(offboarding);
        }

        try
        {
            // Merge only these columns, and only into a row an import wrote (ETag.All on update: never creates a row).
            await this.table.UpdateEntityAsync(columns, ETag.All, TableUpdateMode.Merge, cancellationToken);
        }
        catch (RequestFailedException missing) when (missing.Status == 404)
        {
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<Guid, CustomerOffboarding>> ListOffboardedAsync(Guid partnerTenantId, CancellationToken cancellationToken)
    {
        await this.created.Value;
        Dictionary<Guid, CustomerOffboarding> offboarded = [];
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(partnerTenantId)} and OffboardedBy gt {string.Empty}");
        await foreach (TableEntity row in this.table.QueryAsync<TableEntity>(filter, select: ["RowKey", "OffboardedAt", "OffboardedBy", "OffboardingSummary"], cancellationToken: cancellationToken))
        {
            if (OffboardingOf(row) is { } offboarding)
            {
                offboarded[Guid.Parse(row.RowKey)] = offboarding;
            }
        }

        return offboarded;
    }

    static CustomerOffboarding? OffboardingOf(TableEntity row) =>
        Blank(row.GetString("OffboardedBy")) is { } by && DateTimeOffset.TryParse(row.GetString("OffboardedAt"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out DateTimeOffset at)
            ? new CustomerOffboarding(at, by, row.GetString("OffboardingSummary") ?? string.Empty)
            : null;

    static string PartitionOf(Guid partnerTenantId) => partnerTenantId.ToString("D");

    static string RowOf(Guid customerTenantId) => customerTenantId.ToString("D");

    static TableEntity ToEntity(Guid partnerTenantId, CustomerRecord customer) => new(PartitionOf(partnerTenantId), RowOf(customer.TenantId))
    {
        // Every column the import owns is written, empty rather than absent, so a merge clears what is no longer true.
        ["Name"] = customer.Name,
        ["Domain"] = customer.Domain ?? string.Empty,
        ["InPartnerCenter"] = customer.InPartnerCenter,
        ["Relationships"] = JsonSerializer.Serialize(customer.Relationships, Json),
        ["Verdict"] = customer.Verdict.ToString(),
        ["VerdictReason"] = customer.VerdictReason,
        ["CoveringRelationshipId"] = customer.CoveringRelationshipId ?? string.Empty,
        ["OnboardingId"] = customer.OnboardingId ?? string.Empty,
        ["OnboardingStatus"] = customer.OnboardingStatus?.ToString() ?? string.Empty,
        ["Shield"] = customer.Shield.ToString(),
        ["ImportedAt"] = customer.ImportedAt,
    };

    static CustomerRecord ToRecord(TableEntity row) => new(
        Guid.Parse(row.RowKey),
        row.GetString("Name") ?? string.Empty,
        Blank(row.GetString("Domain")),
        row.GetBoolean("InPartnerCenter") ?? false,
        JsonSerializer.Deserialize<List<CustomerRelationship>>(row.GetString("Relationships") ?? "[]", Json) ?? [],
        Enum.Parse<CustomerVerdict>(row.GetString("Verdict") ?? nameof(CustomerVerdict.NeedsNewRelationship)),
        row.GetString("VerdictReason") ?? string.Empty,
        Blank(row.GetString("CoveringRelationshipId")),
        Blank(row.GetString("OnboardingId")),
        Blank(row.GetString("OnboardingStatus")) is { } status ? Enum.Parse<OnboardingStatus>(status) : null,
        Enum.TryParse(row.GetString("Shield"), out Shield shield) ? shield : Shield.None,
        Blank(row.GetString("OrganizationId")),
        row.GetDateTimeOffset("ImportedAt") ?? DateTimeOffset.MinValue,
        OffboardingOf(row));

    static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
