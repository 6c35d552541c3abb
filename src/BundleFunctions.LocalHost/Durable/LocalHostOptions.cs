namespace BundleFunctions.LocalHost.Durable;

/// <summary>Settings of the LocalHost (section <c>LocalHost</c>).</summary>
public sealed class LocalHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "LocalHost";

    /// <summary>Port of the HTTP API (the Functions default, so the same URLs work against both hosts).</summary>
    public int ApiPort { get; set; } = 7071;

    /// <summary>Port of the Durable Task gRPC sidecar (the Durable Task sidecar's usual port).</summary>
    public int SidecarPort { get; set; } = 4001;

    /// <summary>The task hub; unique per developer/app so two hosts never steal each other's messages.</summary>
    public string TaskHubName { get; set; } = "bundlelocal";

    /// <summary>
    /// Longest wait between two polls of an idle queue. Azure's default is 30 s; locally 1 s, so a raised event or a fired
    /// timer is seen at once.
    /// </summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a message taken from a task hub queue stays hidden from other hosts; after a crash, the work it carried runs
    /// again once this has passed. Azure's default (Functions' <c>controlQueueVisibilityTimeout</c> and
    /// <c>workItemQueueVisibilityTimeout</c>) is 5 minutes; tests that kill the host shorten it to see recovery in seconds.
    /// </summary>
    public TimeSpan QueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a stop (Ctrl-C, SIGTERM) waits for requests to finish. The worker's work-item stream to the in-process
    /// sidecar never ends by itself, so the 30 s default would always be spent; everything is durable in Azurite.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Whether the scheduled jobs (approval safety net, expiry watch, access recheck, history purge) run on their CRON
    /// schedules, as the Functions timer triggers do in Azure. Tests turn them off: a job firing at a quarter hour would
    /// race what the test drives; the tests that are about a job call it.
    /// </summary>
    public bool ScheduledJobs { get; set; } = true;

    /// <summary>Where the product's metrics go (<c>LocalHost__Telemetry</c>): nowhere, the console, or an OTLP collector.</summary>
    public LocalTelemetryExporter Telemetry { get; set; } = LocalTelemetryExporter.None;
}

/// <summary>Where the LocalHost sends the product's OpenTelemetry metrics.</summary>
public enum LocalTelemetryExporter
{
    /// <summary>Kept in-process (readable by a <c>MeterListener</c>).</summary>
    None,

    /// <summary>Printed to standard output every 10 seconds.</summary>
    Console,

    /// <summary>Sent to the collector at <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    Otlp,
}
