using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace MicrosoftCloudSimulator.Tests;

/// <summary>A plain HTTP endpoint on loopback that records what Partner Center (the simulator) posts to it.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly WebApplication app;
    int failuresLeft;

    WebhookReceiver(WebApplication app) => this.app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri Url => new(this.app.Urls.Single() + "/api/webhooks/partner-center");

    /// <summary>Starts a receiver that answers 500 to the first <paramref name="failFirst"/> deliveries.</summary>
    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        WebhookReceiver receiver = new(app) { failuresLeft = failFirst };
        app.MapPost("/api/webhooks/partner-center", async (HttpRequest request) =>
        {
            using MemoryStream body = new();
            await request.Body.CopyToAsync(body);
            receiver.Received.Enqueue(new ReceivedWebhook(request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            return Interlocked.Decrement(ref receiver.failuresLeft) >= 0 ? Results.StatusCode(500) : Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await this.app.StopAsync();
        await this.app.DisposeAsync();
    }
}

/// <summary>One POST as received: headers and the raw body bytes (signatures are over these bytes).</summary>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, byte[] Body);
