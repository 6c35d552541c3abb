using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;

namespace BundleFunctions.Infrastructure.Events;

/// <summary>Publishes to an Azure Service Bus topic: one message per CloudEvent, its <c>id</c> as <c>MessageId</c> (duplicate detection).</summary>
/// <param name="sender">A sender for the events topic.</param>
public sealed class ServiceBusEventPublisher(ServiceBusSender sender) : IEventPublisher
{
    /// <inheritdoc />
    public Task PublishAsync(JsonObject cloudEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        ServiceBusMessage message = new(BinaryData.FromString(cloudEvent.ToJsonString()))
        {
            MessageId = cloudEvent["id"]!.GetValue<string>(),
            Subject = cloudEvent["type"]!.GetValue<string>(),
            ContentType = "application/cloudevents+json; charset=utf-8",
            CorrelationId = cloudEvent["subject"]!.GetValue<string>(),
        };
        message.ApplicationProperties["cloudEvents_type"] = cloudEvent["type"]!.GetValue<string>();
        return sender.SendMessageAsync(message, cancellationToken);
    }
}

/// <summary>Publishes to a storage queue (Azurite locally): one message per CloudEvent, as JSON text.</summary>
/// <param name="queue">The queue.</param>
public sealed class StorageQueueEventPublisher(QueueClient queue) : IEventPublisher
{
    /// <inheritdoc />
    public async Task PublishAsync(JsonObject cloudEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(cloudEvent.ToJsonString(), cancellationToken);
    }
}
