namespace MicrosoftCloudSimulator.Hosting;

/// <summary>How the simulator runs and how the simulated cloud behaves (section <c>Simulator</c>). Every delay is a knob.</summary>
public sealed class SimulatorOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Simulator";

    /// <summary>HTTPS port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; set; } = 7443;

    /// <summary>When set, the HTTPS certificate is written here as PEM at start, for clients that trust a CA file (curl, Node).</summary>
    public string? CertificateFile { get; set; }

    /// <summary>The seed file: partner tenant, customers, apps.</summary>
    public string SeedFile { get; set; } = "seed.json";

    /// <summary>Lifetime of issued access tokens.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>approved → activating.</summary>
    public TimeSpan ApprovedToActivating { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>activating → active.</summary>
    public TimeSpan ActivatingToActive { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Access assignment pending → active.</summary>
    public TimeSpan AssignmentActivation { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>expiring → expired, terminating → terminated, deleting → deleted.</summary>
    public TimeSpan Deprovisioning { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long an unapproved (approvalPending) request lives: Microsoft expires them after 90 days.</summary>
    public TimeSpan ApprovalRequestLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the lifecycle engine looks for due transitions.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Webhook delivery attempts before an event is dropped (Partner Center makes 10).</summary>
    public int WebhookAttempts { get; set; } = 10;

    /// <summary>Wait between webhook attempts.</summary>
    public TimeSpan WebhookRetryInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Whether app-only tokens may manage GDAP relationships (Microsoft's docs changed on this; both are simulated).</summary>
    public bool AppOnlyGdapAllowed { get; set; } = true;
}
