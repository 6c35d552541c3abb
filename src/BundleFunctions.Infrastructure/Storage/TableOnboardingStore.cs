using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Infrastructure.Storage;

/// <summary>
/// Onboardings in Azure Table Storage. One partition per partner tenant holds, side by side, each onboarding's row
/// (row key = onboarding ID) and its audit lines (row key = <c>{onboarding ID}|audit|{ticks}|{unique}</c>), so a change and its
/// audit line are written in one entity-group transaction: there is never a change without its audit line, or the reverse.
/// The change's outbound events go into the same transaction as outbox rows (row key = <c>outbox|{ticks}|{unique}</c>), for
/// <see cref="Events.OutboxDispatcher"/> to publish: an event is never lost and never published for a change that failed.
/// The same partition holds the relationship index (row key = <c>rel|{relationship ID}</c> → onboarding ID), written in the
/// transaction that first records the relationship, so a Partner Center event always finds its onboarding.
/// Concurrent writers are serialized with the row's ETag; a writer that loses re-reads and re-applies its change. Each
/// store remembers the row it last wrote with that row's ETag, so the next change of the same onboarding is written
/// without reading it first (an onboarding's changes come one after the other from its orchestration): one storage
/// request per change instead of two. A row changed elsewhere fails the ETag check and is read again, as before.
/// </summary>
public sealed class TableOnboardingStore : IOnboardingStore
{
    /// <summary>The default table name.</summary>
    public const string DefaultTableName = "Onboardings";

    const int MaxConflictRetries = 50;
    const int MaxMessageLength = 4000;
    const string AuditMarker = "|audit|";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>How many onboardings' last-written rows are remembered; past it the memory starts over.</summary>
    const int MaxRemembered = 20_000;

    readonly TableClient table;
    readonly Lazy<Task> created;

    /// <summary>Onboarding ID → the row this store last wrote and its ETag.</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (OnboardingRecord Record, ETag ETag)> lastWritten = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="TableOnboardingStore"/> class.</summary>
    /// <param name="tables">The storage account's table service.</param>
    /// <param name="tableName">The table to use; created on first use.</param>
    public TableOnboardingStore(TableServiceClient tables, string tableName = DefaultTableName)
    {
        ArgumentNullException.ThrowIfNull(tables);
        this.table = tables.GetTableClient(tableName);
        this.created = new Lazy<Task>(() => this.table.CreateIfNotExistsAsync());
    }

    /// <inheritdoc />
    public async Task<OnboardingRecord> ApplyAsync(ProgressUpdate update, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        await this.created.Value;
        string partition = PartitionOf(update.Subject.PartnerTenantId);
        update = update with { Message = Clip(update.Message) };

        string key = update.Subject.OnboardingId;
        for (int attempt = 0; ; attempt++)
        {
            (OnboardingRecord Record, ETag ETag)? known = attempt == 0 && this.lastWritten.TryGetValue(key, out (OnboardingRecord Record, ETag ETag) remembered) ? remembered : null;
            if (known is null)
            {
                NullableResponse<TableEntity> stored = await this.table.GetEntityIfExistsAsync<TableEntity>(partition, key, cancellationToken: cancellationToken);
                known = stored.HasValue ? (ToRecord(stored.Value!), stored.Value!.ETag) : null;
            }

            OnboardingRecord current = known?.Record ?? OnboardingRecord.New(update.Subject, at);
            (OnboardingRecord next, AuditLine? audit) = current.Apply(update, at);
            if (audit is null)
            {
                return current;
            }

            TableEntity row = ToEntity(next);
            TableTransactionAction write = known is { } existing
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, existing.ETag)
                : new TableTransactionAction(TableTransactionActionType.Add, row);
            List<TableTransactionAction> actions = [write, new(TableTransactionActionType.Add, ToEntity(next.Subject, audit))];
            actions.AddRange(OutboundEvents.Between(known is null ? null : current, next, at)
                .Select((e, sequence) => new TableTransactionAction(TableTransactionActionType.Add, Events.OutboxDispatcher.ToOutboxEntity(partition, e, sequence))));
            if (next.RelationshipId is { } relationship && relationship != current.RelationshipId)
            {
                actions.Add(new(TableTransactionActionType.UpsertReplace, new TableEntity(partition, RelationshipIndexKey(relationship))
                {
                    ["Kind"] = "relationshipIndex",
                    ["OnboardingId"] = next.Subject.OnboardingId,
                }));
            }

            try
            {
                Response<IReadOnlyList<Response>> written = await this.table.SubmitTransactionAsync(actions, cancellationToken);
                this.Remember(key, next, written.Value[0].Headers.ETag);
                return next;
            }
            catch (TableTransactionFailedException conflict) when (conflict.Status is 404 or 409 or 412 && attempt < MaxConflictRetries)
            {
                // 404 too: a remembered row that is gone is read again like a changed one.
                this.lastWritten.TryRemove(key, out _);
                // Another writer got there first (412: the row changed; 409: the row was created meanwhile). Re-read and
                // re-apply after a short jittered pause, so that racing writers spread out instead of colliding again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * Math.Min(attempt + 1, 10))), cancellationToken);
            }
        }
    }

    void Remember(string onboardingId, OnboardingRecord record, ETag? etag)
    {
        if (etag is not { } known)
        {
            this.lastWritten.TryRemove(onboardingId, out _);
            return;
        }

        if (this.lastWritten.Count >= MaxRemembered)
        {
            this.lastWritten.Clear();
        }

        this.lastWritten[onboardingId] = (record, known);
    }

    /// <inheritdoc />
    public async Task PublishAsync(Guid partnerTenantId, OutboundEvent outbound, CancellationToken cancellationToken)
    {
        await this.created.Value;
        await this.table.AddEntityAsync(Events.OutboxDispatcher.ToOutboxEntity(PartitionOf(partnerTenantId), outbound, 0), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<OnboardingRecord?> GetAsync(Guid partnerTenantId, string onboardingId, CancellationToken cancellationToken)
    {
        await this.created.Value;
        NullableResponse<TableEntity> stored = await this.table.GetEntityIfExistsAsync<TableEntity>(
            PartitionOf(partnerTenantId), onboardingId, cancellationToken: cancellationToken);
        return stored.HasValue ? ToRecord(stored.Value!) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<OnboardingRecord>> ListAsync(Guid partnerTenantId, CancellationToken cancellationToken)
    {
        await this.created.Value;
        List<OnboardingRecord> records = [];
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(partnerTenantId)} and Kind eq {"onboarding"}");
        await foreach (TableEntity entity in this.table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            records.Add(ToRecord(entity));
        }

        return [.. records.OrderByDescending(r => r.UpdatedAt)];
    }

    /// <inheritdoc />
    public async Task<OnboardingPage> ListPageAsync(Guid partnerTenantId, OnboardingQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        await this.created.Value;
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {PartitionOf(partnerTenantId)} and Kind eq {"onboarding"}");
        if (query.Status is { } status)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status.ToString()}");
        }

        if (query.CustomerTenantId is { } customer)
        {
            filter += " and " + TableClient.CreateQueryFilter($"CustomerTenantId eq {customer}");
        }

        (IReadOnlyList<OnboardingRecord> items, string? next) = await TablePages.ReadAsync(this.table, filter, query.Top, query.ContinuationToken, ToRecord, cancellationToken);
        return new OnboardingPage(items, next);
    }

    /// <inheritdoc />
    public async Task<string?> FindByRelationshipAsync(Guid partnerTenantId, string relationshipId, CancellationToken cancellationToken)
    {
        await this.created.Value;
        NullableResponse<TableEntity> index = await this.table.GetEntityIfExistsAsync<TableEntity>(
            PartitionOf(partnerTenantId), RelationshipIndexKey(relationshipId), cancellationToken: cancellationToken);
        return index.HasValue ? index.Value!.GetString("OnboardingId") : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AuditLine>> GetAuditTrailAsync(Guid partnerTenantId, string onboardingId, CancellationToken cancellationToken)
    {
        await this.created.Value;
        string from = onboardingId + AuditMarker;
        string to = onboardingId + "|audit}"; // '}' sorts right after '|': the range holds exactly this onboarding's audit lines.
        List<AuditLine> lines = [];
        await foreach (TableEntity entity in this.table.QueryAsync<TableEntity>(
            e => e.PartitionKey == PartitionOf(partnerTenantId) && e.RowKey.CompareTo(from) >= 0 && e.RowKey.CompareTo(to) < 0,
            cancellationToken: cancellationToken))
        {
            lines.Add(new AuditLine(entity.GetDateTimeOffset("At")!.Value, entity.GetString("What"), entity.GetString("Message"), entity.GetString("Actor") ?? ProgressUpdate.System));
        }

        return lines;
    }

    static string PartitionOf(Guid partnerTenantId) => partnerTenantId.ToString("N");

    static string RelationshipIndexKey(string relationshipId) => "rel|" + relationshipId;

    static string? Clip(string? message) =>
        message is { Length: > MaxMessageLength } ? message[..(MaxMessageLength - 1)] + "…" : message;

    static TableEntity ToEntity(OnboardingRecord record) => new(PartitionOf(record.Subject.PartnerTenantId), record.Subject.OnboardingId)
    {
        ["Kind"] = "onboarding",
        ["CustomerTenantId"] = record.Subject.CustomerTenantId,
        ["CustomerName"] = record.Subject.CustomerName,
        ["OrganizationId"] = record.Subject.OrganizationId,
        ["Roles"] = record.Subject.RoleTemplateIds is { } roles ? string.Join(',', roles) : null,
        ["Path"] = record.Subject.Path == OnboardingPath.Gdap ? null : record.Subject.Path.ToString(),
        ["Status"] = record.Status.ToString(),
        ["Shield"] = record.Shield.ToString(),
        ["CurrentStep"] = record.CurrentStep.ToString(),
        ["RelationshipId"] = record.RelationshipId,
        ["InvitationUrl"] = record.InvitationUrl?.AbsoluteUri,
        ["Steps"] = JsonSerializer.Serialize(record.Steps, Json),
        ["CreatedAt"] = record.CreatedAt,
        ["UpdatedAt"] = record.UpdatedAt,
    };

    static TableEntity ToEntity(OnboardingSubject subject, AuditLine line) =>
        new(PartitionOf(subject.PartnerTenantId), $"{subject.OnboardingId}{AuditMarker}{line.At.UtcTicks:D19}|{Guid.NewGuid():N}")
        {
            ["Kind"] = "audit",
            ["At"] = line.At,
            ["What"] = line.What,
            ["Message"] = line.Message,
            ["Actor"] = line.Actor,
        };

    static OnboardingRecord ToRecord(TableEntity entity) => new(
        new OnboardingSubject(
            entity.RowKey,
            Guid.ParseExact(entity.PartitionKey, "N"),
            entity.GetGuid("CustomerTenantId")!.Value,
            entity.GetString("CustomerName"),
            entity.GetString("OrganizationId"),
            entity.GetString("Roles") is { Length: > 0 } roles ? [.. roles.Split(',').Select(Guid.Parse)] : null,
            entity.GetString("Path") is { Length: > 0 } path ? Enum.Parse<OnboardingPath>(path) : OnboardingPath.Gdap),
        Enum.Parse<OnboardingStatus>(entity.GetString("Status")),
        Enum.Parse<Shield>(entity.GetString("Shield")),
        Enum.Parse<OnboardingStep>(entity.GetString("CurrentStep")),
        entity.GetString("RelationshipId"),
        entity.GetString("InvitationUrl") is { } url ? new Uri(url) : null,
        JsonSerializer.Deserialize<List<StepRecord>>(entity.GetString("Steps"), Json)!,
        entity.GetDateTimeOffset("CreatedAt")!.Value,
        entity.GetDateTimeOffset("UpdatedAt")!.Value);
}
