using System.Text.Json.Nodes;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using BundleFunctions.Infrastructure.Events;
using BundleFunctions.Infrastructure.Storage;
using BundleFunctions.Onboarding;
using Moq;

namespace BundleFunctions.Integration.Tests.Events;

public sealed class OutboxTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    readonly string table = "Outbox" + Guid.NewGuid().ToString("N")[..10];
    readonly Guid partner = Guid.NewGuid();

    OnboardingSubject Subject() => new(OnboardingId.For(this.partner, Guid.NewGuid()), this.partner, Guid.NewGuid(), "Contoso", "PSA-3");

    /// <summary>Three changes of one onboarding: started, invitation ready, completed with a green shield (4 events).</summary>
    async Task<OnboardingSubject> WriteChangesAsync()
    {
        TableOnboardingStore store = new(Azurite.Tables(), this.table);
        OnboardingSubject subject = this.Subject();
        await store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.Validate, StepStatus.Running, AttemptKey: "a"), T0, default);
        await store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.PublishInvitation, StepStatus.Succeeded, RelationshipId: "a-b", InvitationUrl: new Uri("https://admin.microsoft.com/x")), T0.AddSeconds(1), default);
        await store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.VerifyAccess, StepStatus.Succeeded, Status: OnboardingStatus.Succeeded, Shield: Shield.Green), T0.AddSeconds(2), default);
        return subject;
    }

    sealed class Recording(int failOnCall = 0) : IEventPublisher
    {
        int calls;

        public List<JsonObject> Published { get; } = [];

        public Task PublishAsync(JsonObject cloudEvent, CancellationToken cancellationToken)
        {
            if (++this.calls == failOnCall)
            {
                throw new ServiceBusException("broker unavailable", ServiceBusFailureReason.ServiceBusy);
            }

            this.Published.Add(cloudEvent);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Each_change_writes_its_events_to_the_outbox_as_cloud_events_in_order()
    {
        OnboardingSubject subject = await this.WriteChangesAsync();
        Recording publisher = new();

        (int published, Exception? stoppedBy) = await new OutboxDispatcher(Azurite.Tables(), publisher, this.table).DispatchAsync(default);

        Assert.Null(stoppedBy);
        Assert.Equal(4, published);
        Assert.Equal(["onboarding.started", "onboarding.invitationReady", "onboarding.completed", "customer.shieldChanged"], publisher.Published.Select(e => e["type"]!.GetValue<string>()));
        JsonObject ready = publisher.Published[1];
        Assert.Equal(("1.0", $"onboardings/{subject.OnboardingId}", $"/bundlefunctions/partners/{this.partner:N}"), (ready["specversion"]!.GetValue<string>(), ready["subject"]!.GetValue<string>(), ready["source"]!.GetValue<string>()));
        Assert.Equal("https://admin.microsoft.com/x", ready["data"]!["invitationUrl"]!.GetValue<string>());
        Assert.Equal(4, publisher.Published.Select(e => e["id"]!.GetValue<string>()).Distinct().Count());
    }

    [Fact]
    public async Task A_publisher_failing_mid_way_loses_nothing_and_the_next_round_delivers_the_rest()
    {
        await this.WriteChangesAsync();
        Recording failing = new(failOnCall: 3);
        Recording working = new();
        OutboxDispatcher first = new(Azurite.Tables(), failing, this.table);

        (int before, Exception? stoppedBy) = await first.DispatchAsync(default);
        (int after, _) = await new OutboxDispatcher(Azurite.Tables(), working, this.table).DispatchAsync(default);
        (int nothingLeft, _) = await new OutboxDispatcher(Azurite.Tables(), working, this.table).DispatchAsync(default);

        Assert.Equal(2, before);
        Assert.IsType<ServiceBusException>(stoppedBy);
        Assert.Equal(2, after);
        Assert.Equal(0, nothingLeft);
        Assert.Equal(["onboarding.started", "onboarding.invitationReady", "onboarding.completed", "customer.shieldChanged"],
            failing.Published.Concat(working.Published).Select(e => e["type"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_service_bus_publisher_sends_one_message_per_event_keyed_by_its_id()
    {
        Mock<ServiceBusSender> sender = new();
        List<ServiceBusMessage> sent = [];
        sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .Callback<ServiceBusMessage, CancellationToken>((m, _) => sent.Add(m))
            .Returns(Task.CompletedTask);
        JsonObject cloudEvent = new() { ["id"] = "e-1", ["type"] = "onboarding.completed", ["subject"] = "onboardings/onb-1", ["data"] = new JsonObject { ["customerName"] = "Contoso" } };

        await new ServiceBusEventPublisher(sender.Object).PublishAsync(cloudEvent, default);

        ServiceBusMessage message = Assert.Single(sent);
        Assert.Equal(("e-1", "onboarding.completed", "onboardings/onb-1"), (message.MessageId, message.Subject, message.CorrelationId));
        Assert.StartsWith("application/cloudevents+json", message.ContentType, StringComparison.Ordinal);
        Assert.Equal("Contoso", JsonNode.Parse(message.Body.ToString())!["data"]!["customerName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_broker_failure_propagates_so_the_event_stays_in_the_outbox()
    {
        await this.WriteChangesAsync();
        Mock<ServiceBusSender> sender = new();
        sender.Setup(s => s.SendMessageAsync(It.IsAny<ServiceBusMessage>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new ServiceBusException("quota exceeded", ServiceBusFailureReason.QuotaExceeded));

        (int published, Exception? stoppedBy) = await new OutboxDispatcher(Azurite.Tables(), new ServiceBusEventPublisher(sender.Object), this.table).DispatchAsync(default);
        Recording recovered = new();
        (int later, _) = await new OutboxDispatcher(Azurite.Tables(), recovered, this.table).DispatchAsync(default);

        Assert.Equal((0, 4), (published, later));
        Assert.NotNull(stoppedBy);
    }

    [Fact]
    public async Task Locally_events_land_in_an_azurite_queue()
    {
        await this.WriteChangesAsync();
        QueueClient queue = new(Azurite.ConnectionString, "events-" + Guid.NewGuid().ToString("N")[..12]);

        await new OutboxDispatcher(Azurite.Tables(), new StorageQueueEventPublisher(queue), this.table).DispatchAsync(default);
        QueueMessage[] messages = (await queue.ReceiveMessagesAsync(maxMessages: 10)).Value;

        Assert.Equal(4, messages.Length);
        Assert.Equal("onboarding.started", JsonNode.Parse(messages[0].Body.ToString())!["type"]!.GetValue<string>());
        await queue.DeleteAsync();
    }
}
