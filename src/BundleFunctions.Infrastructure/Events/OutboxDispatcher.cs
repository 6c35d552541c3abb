using System.Text.Json;
using System.Text.Json.Nodes;
using Azure;
using Azure.Data.Tables;
using BundleFunctions.Onboarding;

namespace BundleFunctions.Infrastructure.Events;

/// <summary>Sends one CloudEvent to subscribers (Service Bus in Azure, a storage queue locally).</summary>
public interface IEventPublisher
{
    /// <summary>Publishes an event. Throwing leaves it in the outbox for the next round.</summary>
    /// <param name="cloudEvent">The CloudEvents 1.0 JSON envelope.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the broker has the event.</returns>
    Task PublishAsync(JsonObject cloudEvent, CancellationToken cancellationToken);
}

/// <summary>
/// Publishes the outbox: each row becomes a CloudEvent, and is deleted only after the broker took it. Delivery is at least
/// once (a crash between publish and delete publishes again): subscribers dedupe on the CloudEvent <c>id</c>, which Service
/// Bus duplicate detection does too. A failure stops the round, so nothing is skipped and order within a partition holds.
/// </summary>
/// <param name="tables">The storage account holding the onboardings table.</param>
/// <param name="publisher">Where events go.</param>
/// <param name="tableName">The onboardings table.</param>
public sealed class OutboxDispatcher(TableServiceClient tables, IEventPublisher publisher, string tableName = Storage.TableOnboardingStore.DefaultTableName)
{
    const string Prefix = "outbox|";
    readonly TableClient table = tables.GetTableClient(tableName);

    /// <summary>The outbox row of an event (written by the store in the change's transaction).</summary>
    /// <param name="partition">The partner's partition.</param>
    /// <param name="outbound">The event.</param>
    /// <param name="sequence">Its place among the events of one change (they share a timestamp): keeps them in order.</param>
    public static TableEntity ToOutboxEntity(string partition, OutboundEvent outbound, int sequence)
    {
        ArgumentNullException.ThrowIfNull(outbound);
        string id = Guid.NewGuid().ToString();
        JsonObject envelope = new()
        {
            ["specversion"] = "1.0",
            ["id"] = id,
            ["type"] = outbound.Type,
            ["source"] = $"/bundlefunctions/partners/{partition}",
            ["subject"] = $"onboardings/{outbound.OnboardingId}",
            ["time"] = outbound.Time.UtcDateTime.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["datacontenttype"] = "application/json",
            ["data"] = JsonSerializer.SerializeToNode(outbound.Data),
        };
        return new TableEntity(partition, $"{Prefix}{outbound.Time.UtcTicks:D19}|{sequence:D3}|{id}") { ["Kind"] = "outbox", ["Event"] = envelope.ToJsonString() };
    }

    /// <summary>Publishes every pending event, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the round.</param>
    /// <returns>How many were published, and the failure that stopped the round, if any.</returns>
    public async Task<(int Published, Exception? StoppedBy)> DispatchAsync(CancellationToken cancellationToken)
    {
        await this.table.CreateIfNotExistsAsync(cancellationToken);
        List<TableEntity> pending = [];
        await foreach (TableEntity row in this.table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Kind eq {"outbox"}"), cancellationToken: cancellationToken))
        {
            pending.Add(row);
        }

        int published = 0;
        foreach (TableEntity row in pending.OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            try
            {
                await publisher.PublishAsync(JsonNode.Parse(row.GetString("Event"))!.AsObject(), cancellationToken);
            }
            catch (Exception failure) when (failure is not OperationCanceledException)
            {
                return (published, failure);
            }

            try
            {
                await this.table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken);
            }
            catch (RequestFailedException gone) when (gone.Status is 404 or 412)
            {
                // Another dispatcher published and removed it meanwhile: at least once, as promised.
            }

            published++;
        }

        return (published, null);
    }
}
