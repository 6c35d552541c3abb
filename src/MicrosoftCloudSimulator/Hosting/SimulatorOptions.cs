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

    /// <summary>
    /// lockForApproval accepted → relationship approvalPending: the request is a resource with its own status
    /// (created → succeeded: learn.microsoft.com/graph/api/resources/delegatedadminrelationshiprequest).
    /// </summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a relationship operation (Global Administrator removal) takes from notStarted to succeeded.</summary>
    public TimeSpan OperationDuration { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Simulated seconds per real second (1 = real time). The realistic profile runs with a high rate in tests.</summary>
    public double ClockRate { get; set; } = 1;

    /// <summary>
    /// <c>fast</c> (default: every Microsoft delay in milliseconds, for the demo and most tests) or <c>realistic</c>: each
    /// delay at its documented upper bound (see <see cref="UseRealisticTimings"/>), meant to run with a high <see cref="ClockRate"/>.
    /// </summary>
    public string Profile { get; set; } = "fast";

    /// <summary>
    /// Microsoft's delays at their documented upper bounds, in simulated time: approval → active 24 hours ("a few minutes
    /// to 24 hours", partner-center/customers/gdap-customer-approval), access assignments 2 hours (documented as "30 seconds
    /// or so" but observed far longer), GDAP propagation into the customer an hour (partner-center/gdap-faq), new objects
    /// invisible for 30 seconds (learn.microsoft.com/graph/best-practices-concept, replication), lock and operations minutes,
    /// and 429 Retry-After values of 1 s, 41 s and 315 s or none at all (observed; learn.microsoft.com/graph/throttling).
    /// </summary>
    public void UseRealisticTimings()
    {
        this.Profile = "realistic";
        this.ApprovedToActivating = TimeSpan.FromHours(1);
        this.ActivatingToActive = TimeSpan.FromHours(23);
        this.AssignmentActivation = TimeSpan.FromHours(2);
        this.LockDuration = TimeSpan.FromSeconds(30);
        this.OperationDuration = TimeSpan.FromMinutes(10);
        this.Deprovisioning = TimeSpan.FromMinutes(10);
    }

    /// <summary>The faults a fresh simulator (and <c>DELETE /_sim/faults</c>) starts from: none, or the realistic delays.</summary>
    public State.FaultSettings DefaultFaults() => this.Profile == "realistic"
        ? new State.FaultSettings
        {
            ReplicationDelay = TimeSpan.FromSeconds(30),
            PropagationDelay = TimeSpan.FromHours(1),
            RetryAfterChoices = [0, 1, 41, 315],
        }
        : new State.FaultSettings();

    /// <summary>Whether app-only tokens may manage GDAP relationships (Microsoft's docs changed on this; both are simulated).</summary>
    public bool AppOnlyGdapAllowed { get; set; } = true;
}
