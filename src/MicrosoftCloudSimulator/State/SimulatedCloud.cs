using System.Text.Json;
using MicrosoftCloudSimulator.Hosting;

namespace MicrosoftCloudSimulator.State;

/// <summary>
/// The whole simulated Microsoft cloud in memory: tenants, relationships, consents, the webhook registration. One lock
/// serializes every change, which is plenty for a test double and makes every response a consistent snapshot.
/// </summary>
public sealed class SimulatedCloud(SimulatedClock clock, SimulatorOptions options)
{
    readonly object gate = new();

    public SimulatedClock Clock => clock;

    public SimulatorOptions Options => options;

    public Tenant Partner { get; private set; } = null!;

    public Dictionary<Guid, Tenant> Tenants { get; } = [];

    public List<Relationship> Relationships { get; } = [];

    public List<ApplicationConsent> Consents { get; } = [];

    public WebhookRegistration? Webhook { get; set; }

    /// <summary>Admin-consent requests a customer's administrator has opened and not yet answered, by request ID.</summary>
    public Dictionary<Guid, Login.AdminConsentRequest> AdminConsentRequests { get; } = [];

    /// <summary>Sign-ins started at <c>/authorize</c>, waiting for the user.</summary>
    public Dictionary<Guid, Login.AuthorizationRequest> AuthorizationRequests { get; } = [];

    /// <summary>Authorization codes handed out and not redeemed yet.</summary>
    public Dictionary<string, Login.IssuedCode> AuthorizationCodes { get; } = [];

    /// <summary>Codes already redeemed: a second redemption is AADSTS54005.</summary>
    public HashSet<string> RedeemedCodes { get; } = [];

    /// <summary>Events waiting for delivery to the webhook (name, resource URI).</summary>
    public Queue<(string EventName, string ResourceUri)> PendingEvents { get; } = new();

    /// <summary>Faults and delays set through <c>/_sim/faults</c>.</summary>
    public FaultSettings Faults { get; set; } = new();

    /// <summary>Runs <paramref name="action"/> with the cloud locked.</summary>
    public T Locked<T>(Func<SimulatedCloud, T> action)
    {
        lock (this.gate)
        {
            return action(this);
        }
    }

    /// <summary>Runs <paramref name="action"/> with the cloud locked.</summary>
    public void Locked(Action<SimulatedCloud> action)
    {
        lock (this.gate)
        {
            action(this);
        }
    }

    /// <summary>A tenant by ID or by one of its domains.</summary>
    public Tenant? FindTenant(string idOrDomain) =>
        Guid.TryParse(idOrDomain, out Guid id)
            ? this.Tenants.GetValueOrDefault(id)
            : this.Tenants.Values.FirstOrDefault(t => string.Equals(t.Domain, idOrDomain, StringComparison.OrdinalIgnoreCase));

    /// <summary>Queues a Partner Center event for the registered webhook, if it subscribed to it.</summary>
    public void Raise(string eventName, string resourceUri)
    {
        if (this.Webhook?.WebhookEvents.Contains(eventName, StringComparer.OrdinalIgnoreCase) == true)
        {
            this.PendingEvents.Enqueue((eventName, resourceUri));
        }
    }

    /// <summary>Loads the seed file; replaces all state.</summary>
    public void Load(string seedJson)
    {
        Seed seed = JsonSerializer.Deserialize<Seed>(seedJson, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("The seed file is empty.");
        lock (this.gate)
        {
            this.Tenants.Clear();
            this.Relationships.Clear();
            this.Consents.Clear();
            this.AdminConsentRequests.Clear();
            this.AuthorizationRequests.Clear();
            this.AuthorizationCodes.Clear();
            this.RedeemedCodes.Clear();
            this.PendingEvents.Clear();
            this.Webhook = null;
            this.Faults = options.DefaultFaults();
            this.Partner = seed.Partner.ToTenant(isPartner: true, this.Clock.UtcNow);
            this.Tenants[this.Partner.Id] = this.Partner;
            foreach (SeedTenant customer in seed.Customers)
            {
                Tenant tenant = customer.ToTenant(isPartner: false, this.Clock.UtcNow);
                this.Tenants[tenant.Id] = tenant;
                this.Relationships.AddRange((customer.Relationships ?? []).Select(r => r.ToRelationship(this.Partner, tenant, this.Clock.UtcNow)));
            }
        }
    }
}

/// <summary>Faults and delays injected by tests.</summary>
public sealed record FaultSettings
{
    /// <summary>Per route template (e.g. <c>POST /v1.0/groups</c>) or <c>*</c>: the share of requests answered 429.</summary>
    public Dictionary<string, double> ThrottleRates { get; init; } = [];

    /// <summary>Per route template or <c>*</c>: the share of requests answered 503.</summary>
    public Dictionary<string, double> ServerErrorRates { get; init; } = [];

    /// <summary>The <c>Retry-After</c> of a 429, in seconds.</summary>
    public int RetryAfterSeconds { get; init; } = 1;

    /// <summary>When set, each 429's <c>Retry-After</c> is drawn from these seconds; 0 sends none (Microsoft sometimes omits it).</summary>
    public List<int>? RetryAfterChoices { get; init; }

    /// <summary>
    /// Per route template or <c>*</c>: the share of writes (POST, PATCH, PUT, DELETE) that are applied and then answered
    /// 500/504 or with the connection dropped.
    /// </summary>
    public Dictionary<string, double> AmbiguousWriteRates { get; init; } = [];

    /// <summary>How long a new group or service principal answers 404 (directory replication).</summary>
    public TimeSpan ReplicationDelay { get; init; }

    /// <summary>
    /// How long after an access assignment turns active the customer tenant sees it (role assignments, partner sign-in):
    /// Microsoft documents up to an hour, Rewst up to 48 hours.
    /// </summary>
    public TimeSpan PropagationDelay { get; init; }

    /// <summary>Seed of the fault dice, so a run can be repeated.</summary>
    public int RandomSeed { get; init; } = 1;
}
