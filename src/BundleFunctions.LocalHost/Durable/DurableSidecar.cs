using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;

namespace BundleFunctions.LocalHost.Durable;

/// <summary>
/// The Durable Task backend of the LocalHost: the gRPC sidecar (<see cref="TaskHubGrpcServer"/>) over the Azure Storage
/// provider, which is the provider Durable Functions uses in Azure. Orchestration state lives in Azurite's queues, tables
/// and blobs, so an instance survives the process being killed.
/// </summary>
public static class DurableSidecar
{
    /// <summary>The connection setting of the task hub's storage account (as in Functions).</summary>
    public const string StorageConnectionName = "AzureWebJobsStorage";

    /// <summary>Registers the sidecar, a worker with <paramref name="tasks"/>, and a client, all in this process.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <param name="tasks">Registers the orchestrators and activities.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddDurableSidecar(this IServiceCollection services, IConfiguration configuration, Action<Microsoft.DurableTask.DurableTaskRegistry> tasks)
    {
        LocalHostOptions options = configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new();
        string storage = configuration[StorageConnectionName] is { Length: > 0 } connection ? connection : "UseDevelopmentStorage=true";

        services.AddSingleton(sp => new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(storage),
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            ControlQueueVisibilityTimeout = options.QueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = options.QueueVisibilityTimeout,
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
            CustomMessageTypeBinder = new ProtobufMapTypeBinder(),
        }));
        services.AddSingleton<IOrchestrationService>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        services.AddGrpc();
        services.AddSingleton<TaskHubGrpcServer>();

        // Worker and client talk to the sidecar over loopback gRPC, exactly as an out-of-process worker would. The worker
        // (a hosted service) dials before Kestrel listens; by default the channel then backs off up to two minutes and
        // fails calls fast meanwhile ("Error connecting to subchannel", seen as API 500s right after start). A short
        // reconnect back-off and a retry of Unavailable make the sidecar's start invisible to callers.
        GrpcChannel channel = GrpcChannel.ForAddress($"http://127.0.0.1:{options.SidecarPort}", new GrpcChannelOptions
        {
            InitialReconnectBackoff = TimeSpan.FromMilliseconds(100),
            MaxReconnectBackoff = TimeSpan.FromSeconds(1),
            ServiceConfig = new Grpc.Net.Client.Configuration.ServiceConfig
            {
                MethodConfigs =
                {
                    new Grpc.Net.Client.Configuration.MethodConfig
                    {
                        Names = { Grpc.Net.Client.Configuration.MethodName.Default },
                        RetryPolicy = new Grpc.Net.Client.Configuration.RetryPolicy
                        {
                            MaxAttempts = 5,
                            InitialBackoff = TimeSpan.FromMilliseconds(200),
                            MaxBackoff = TimeSpan.FromSeconds(1),
                            BackoffMultiplier = 2,
                            RetryableStatusCodes = { Grpc.Core.StatusCode.Unavailable },
                        },
                    },
                },
            },
        });
        services.AddSingleton(channel);
        services.AddDurableTaskWorker(builder =>
        {
            builder.UseGrpc(channel);
            builder.AddTasks(tasks);
        });
        services.AddDurableTaskClient(builder => builder.UseGrpc(channel));
        return services;
    }

    /// <summary>Creates the task hub's queues, tables and containers if they are missing (the sidecar only starts the service).</summary>
    /// <param name="services">The application's services.</param>
    /// <returns>A task that completes when the task hub exists.</returns>
    public static Task EnsureTaskHubAsync(IServiceProvider services) =>
        services.GetRequiredService<AzureStorageOrchestrationService>().CreateIfNotExistsAsync();

    /// <summary>Listens on the API port (HTTP/1.1) and the sidecar port (HTTP/2 for gRPC), loopback only.</summary>
    /// <param name="builder">The web host builder.</param>
    /// <param name="configuration">The configuration.</param>
    public static void ListenOnLoopback(this ConfigureWebHostBuilder builder, IConfiguration configuration)
    {
        LocalHostOptions options = configuration.GetSection(LocalHostOptions.Section).Get<LocalHostOptions>() ?? new();
        builder.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, options.ApiPort, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1AndHttp2);
            kestrel.Listen(System.Net.IPAddress.Loopback, options.SidecarPort, l => l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2);
        });
    }

    /// <summary>
    /// Keeps the two ports apart: gRPC (the sidecar) answers only on the sidecar port, the API only on the API port. Decided by
    /// the port the connection arrived on, never by the Host header a caller writes.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="sidecarPort">The sidecar's port (<see cref="LocalHostOptions.SidecarPort"/>).</param>
    public static void SeparateSidecarFromApi(this IApplicationBuilder app, int sidecarPort)
    {
        app.Use(async (context, next) =>
        {
            bool onSidecarPort = context.Connection.LocalPort == sidecarPort;
            bool grpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true;
            if (onSidecarPort != grpc)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next(context);
        });
    }
}
