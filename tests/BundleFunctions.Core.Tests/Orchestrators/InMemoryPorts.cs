using System.Collections.Concurrent;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using BundleFunctions.Readiness;

namespace BundleFunctions.Core.Tests.Orchestrators;

/// <summary>The onboarding store in memory, applying the same pure transitions as the Table adapter.</summary>
public sealed class InMemoryOnboardingStore : IOnboardingStore
{
    readonly object gate = new();
    readonly Dictionary<string, OnboardingRecord> records = [];
    readonly Dictionary<string, List<AuditLine>> audit = [];

    public Task<OnboardingRecord> ApplyAsync(ProgressUpdate update, DateTimeOffset at, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            OnboardingRecord current = this.records.GetValueOrDefault(update.Subject.OnboardingId) ?? OnboardingRecord.New(update.Subject, at);
            (OnboardingRecord next, AuditLine? line) = current.Apply(update, at);
            this.records[update.Subject.OnboardingId] = next;
            if (line is not null)
            {
                (this.audit.TryGetValue(update.Subject.OnboardingId, out List<AuditLine>? lines) ? lines : this.audit[update.Subject.OnboardingId] = []).Add(line);
            }

            return Task.FromResult(next);
        }
    }

    public List<OutboundEvent> Published { get; } = [];

    public Task PublishAsync(Guid partnerTenantId, OutboundEvent outbound, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            this.Published.Add(outbound);
        }

        return Task.CompletedTask;
    }

    public Task<OnboardingRecord?> GetAsync(Guid partnerTenantId, string onboardingId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            return Task.FromResult(this.records.GetValueOrDefault(onboardingId));
        }
    }

    public Task<IReadOnlyList<OnboardingRecord>> ListAsync(Guid partnerTenantId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            return Task.FromResult<IReadOnlyList<OnboardingRecord>>([.. this.records.Values.Where(r => r.Subject.PartnerTenantId == partnerTenantId)]);
        }
    }

    public Task<OnboardingPage> ListPageAsync(Guid partnerTenantId, OnboardingQuery query, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            OnboardingRecord[] matching = [.. this.records.Values
                .Where(r => r.Subject.PartnerTenantId == partnerTenantId && (query.Status is null || r.Status == query.Status) && (query.CustomerTenantId is null || r.Subject.CustomerTenantId == query.CustomerTenantId))
                .OrderBy(r => r.Subject.OnboardingId, StringComparer.Ordinal)
                .Where(r => query.ContinuationToken is null || string.CompareOrdinal(r.Subject.OnboardingId, query.ContinuationToken) > 0)];
            OnboardingRecord[] page = [.. matching.Take(query.Top)];
            return Task.FromResult(new OnboardingPage(page, matching.Length > query.Top ? page[^1].Subject.OnboardingId : null));
        }
    }

    public Task<string?> FindByRelationshipAsync(Guid partnerTenantId, string relationshipId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            return Task.FromResult(this.records.Values.FirstOrDefault(r => r.Subject.PartnerTenantId == partnerTenantId && r.RelationshipId == relationshipId)?.Subject.OnboardingId);
        }
    }

    public Task<IReadOnlyList<AuditLine>> GetAuditTrailAsync(Guid partnerTenantId, string onboardingId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            return Task.FromResult<IReadOnlyList<AuditLine>>([.. this.audit.GetValueOrDefault(onboardingId) ?? []]);
        }
    }
}

/// <summary>Leases within one process: a semaphore per name.</summary>
public sealed class InMemoryLeases : ILeases
{
    readonly ConcurrentDictionary<string, SemaphoreSlim> gates = new();

    public async Task<IAsyncDisposable> AcquireAsync(string name, CancellationToken cancellationToken)
    {
        SemaphoreSlim gate = this.gates.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    sealed class Release(SemaphoreSlim gate) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            gate.Release();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>A partner directory in memory (find-or-create by name), with scripted failures.</summary>
public sealed class InMemoryPartnerDirectory : IPartnerDirectory
{
    readonly ConcurrentDictionary<string, string> groups = new();

    /// <summary>Failures scripted for <c>nameof(IPartnerDirectory.EnsureRoleGroupsAsync)</c>.</summary>
    public ScriptedFaults Faults { get; } = new();

    public int Calls => this.Faults.CallsOf(nameof(this.EnsureRoleGroupsAsync));

    public IReadOnlyCollection<string> GroupNames => [.. this.groups.Keys];

    public IReadOnlyCollection<string> GroupIds => [.. this.groups.Values];

    /// <summary>Someone deletes a group in the partner tenant.</summary>
    public void DeleteGroup(string displayName) => this.groups.TryRemove(displayName, out _);

    public async Task<IReadOnlyList<PartnerGroup>> EnsureRoleGroupsAsync(IReadOnlyList<PartnerGroupName> names, Func<CancellationToken, Task<IAsyncDisposable>> exclusively, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.EnsureRoleGroupsAsync));
        await using IAsyncDisposable held = await exclusively(cancellationToken);
        return [.. names.Select(name =>
        {
            bool created = false;
            string id = this.groups.GetOrAdd(name.DisplayName, _ =>
            {
                created = true;
                return Guid.NewGuid().ToString();
            });
            return new PartnerGroup(id, name.DisplayName, created, MemberAdded: created);
        })];
    }
}

/// <summary>The partner's relationships in memory, with Graph's uniqueness rule.</summary>
public sealed class InMemoryRelationships : IGdapRelationships
{
    readonly object gate = new();
    readonly List<RelationshipSnapshot> relationships = [];

    public int Creates { get; private set; }

    public IReadOnlyList<RelationshipSnapshot> All
    {
        get
        {
            lock (this.gate)
            {
                return [.. this.relationships];
            }
        }
    }

    // Keyed by relationship, as Graph lists them under the relationship.
    readonly List<(string RelationshipId, AccessAssignmentSnapshot Assignment)> assignments = [];

    /// <summary>Failures scripted per operation (e.g. <c>nameof(IGdapRelationships.CreateAccessAssignmentAsync)</c>).</summary>
    public ScriptedFaults Faults { get; } = new();

    /// <summary>What the customer's Global Administrator does in the admin center: the relationship becomes active.</summary>
    public void Approve(string relationshipId) => this.SetStatus(relationshipId, RelationshipStatus.Active);

    /// <summary>Every relationship's assignments.</summary>
    public IReadOnlyList<AccessAssignmentSnapshot> Assignments
    {
        get
        {
            lock (this.gate)
            {
                return [.. this.assignments.Select(a => a.Assignment)];
            }
        }
    }

    /// <summary>What Microsoft does to an assignment on its own (e.g. <c>error</c>, or <c>deleted</c> when someone removed it).</summary>
    public void SetAssignmentStatus(string groupId, string status)
    {
        lock (this.gate)
        {
            int index = this.assignments.FindIndex(a => a.Assignment.GroupId == groupId && a.Assignment.IsLive);
            this.assignments[index] = (this.assignments[index].RelationshipId, this.assignments[index].Assignment with { Status = status });
        }
    }

    /// <summary>Whether new assignments stay pending (Microsoft sometimes takes hours) instead of turning active once listed.</summary>
    public bool AssignmentsStayPending { get; set; }

    public void SetStatus(string relationshipId, RelationshipStatus status)
    {
        lock (this.gate)
        {
            int index = this.relationships.FindIndex(r => r.Id == relationshipId);
            this.relationships[index] = this.relationships[index] with { Status = status };
        }
    }

    public Task EnableAutoExtendAsync(RelationshipId relationshipId, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Relationships whose Global Administrator removal Microsoft refuses with this message.</summary>
    public Dictionary<string, string> RemovalRefusals { get; } = [];

    /// <summary>Relationships whose removal calls fail as a transient fault would, every time.</summary>
    public HashSet<string> RemovalOutages { get; } = [];

    public Task<bool> RemoveGlobalAdministratorAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            if (this.RemovalOutages.Contains(relationshipId.Value))
            {
                throw new HttpRequestException("Microsoft Graph did not answer.");
            }

            if (this.RemovalRefusals.TryGetValue(relationshipId.Value, out string? refusal))
            {
                throw new StepFailedException(refusal);
            }

            int index = this.relationships.FindIndex(r => r.Id == relationshipId.Value);
            this.relationships[index] = this.relationships[index] with { RoleTemplateIds = [.. this.relationships[index].RoleTemplateIds.Where(r => r != RoleCatalog.GlobalAdministrator.TemplateId)] };
            return Task.FromResult(true);
        }
    }

    /// <summary>As Graph: only an active relationship can be terminated; one already ending is left as it is.</summary>
    public Task TerminateAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.TerminateAsync));
        lock (this.gate)
        {
            int index = this.relationships.FindIndex(r => r.Id == relationshipId.Value);
            switch (index < 0 ? (RelationshipStatus?)null : this.relationships[index].Status)
            {
                case RelationshipStatus.Active:
                    this.relationships[index] = this.relationships[index] with { Status = RelationshipStatus.TerminationRequested };
                    return Task.CompletedTask;
                case RelationshipStatus.TerminationRequested or RelationshipStatus.Terminating or RelationshipStatus.Terminated:
                    return Task.CompletedTask;
                case var other:
                    throw new StepFailedException($"Ending the relationship was refused by Microsoft Graph: it is {other?.ToString() ?? "gone"}, and only an active one can be terminated.");
            }
        }
    }

    public Task DeleteAccessAssignmentAsync(RelationshipId relationshipId, string assignmentId, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.DeleteAccessAssignmentAsync));
        lock (this.gate)
        {
            int index = this.assignments.FindIndex(a => a.RelationshipId == relationshipId.Value && a.Assignment.Id == assignmentId);
            if (index >= 0)
            {
                this.assignments[index] = (relationshipId.Value, this.assignments[index].Assignment with { Status = "deleted" });
            }

            return Task.CompletedTask;
        }
    }

    public Task<RelationshipSnapshot?> GetAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.GetAsync));
        lock (this.gate)
        {
            return Task.FromResult(this.relationships.FirstOrDefault(r => r.Id == relationshipId.Value));
        }
    }

    /// <summary>
    /// The relationship's assignments only, as Graph lists them. A pending one is answered pending once and active from the
    /// next listing on (Microsoft's ~30 seconds), unless <see cref="AssignmentsStayPending"/>.
    /// </summary>
    public Task<IReadOnlyList<AccessAssignmentSnapshot>> ListAccessAssignmentsAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.ListAccessAssignmentsAsync));
        lock (this.gate)
        {
            AccessAssignmentSnapshot[] listed = [.. this.assignments.Where(a => a.RelationshipId == relationshipId.Value).Select(a => a.Assignment)];
            if (!this.AssignmentsStayPending)
            {
                for (int i = 0; i < this.assignments.Count; i++)
                {
                    if (this.assignments[i].RelationshipId == relationshipId.Value && this.assignments[i].Assignment.Status == "pending")
                    {
                        this.assignments[i] = (relationshipId.Value, this.assignments[i].Assignment with { Status = "active" });
                    }
                }
            }

            return Task.FromResult<IReadOnlyList<AccessAssignmentSnapshot>>(listed);
        }
    }

    /// <summary>
    /// As the Graph adapter: refused (a <see cref="StepFailedException"/>) unless the relationship is active, as Graph's 400
    /// is; a group that already has a live assignment gets that one back (the adapter's answer to Graph's 409); a new one is pending.
    /// </summary>
    public Task<AccessAssignmentSnapshot> CreateAccessAssignmentAsync(RelationshipId relationshipId, string groupId, Guid roleTemplateId, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.CreateAccessAssignmentAsync));
        lock (this.gate)
        {
            RelationshipSnapshot? relationship = this.relationships.FirstOrDefault(r => r.Id == relationshipId.Value);
            if (relationship?.Status != RelationshipStatus.Active)
            {
                throw new StepFailedException($"Giving {RoleCatalog.NameOf(roleTemplateId)} to group {groupId} was refused by Microsoft Graph: the relationship is not active.");
            }

            if (this.assignments.FirstOrDefault(a => a.RelationshipId == relationshipId.Value && a.Assignment.GroupId == groupId && a.Assignment.IsLive) is { Assignment: { } live })
            {
                return Task.FromResult(live);
            }

            AccessAssignmentSnapshot created = new(Guid.NewGuid().ToString(), groupId, "pending", [roleTemplateId]);
            this.assignments.Add((relationshipId.Value, created));
            return Task.FromResult(created);
        }
    }

    public void Seed(RelationshipSnapshot relationship)
    {
        lock (this.gate)
        {
            this.relationships.Add(relationship);
        }
    }

    public Task<IReadOnlyList<RelationshipSnapshot>> ListAsync(CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.ListAsync));
        return Task.FromResult(this.All);
    }

    Guid? nameThief;
    bool nameThiefStays;

    /// <summary>Another customer's onboarding takes the name of our next create between our list and our create.</summary>
    public void LetAnotherCustomerTakeTheNextName(Guid otherCustomer) => this.nameThief = otherCustomer;

    /// <summary>Other onboardings take the name of every create of ours between our list and our create.</summary>
    public void LetOtherCustomersTakeEveryName(Guid otherCustomer)
    {
        this.nameThief = otherCustomer;
        this.nameThiefStays = true;
    }

    public Task<RelationshipSnapshot?> CreateAsync(RelationshipRequest request, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.CreateAsync));
        lock (this.gate)
        {
            if (this.nameThief is Guid thief)
            {
                this.nameThief = this.nameThiefStays ? thief : null;
                this.relationships.Add(new($"{Guid.NewGuid()}-{Guid.NewGuid()}", request.DisplayName, thief, RelationshipStatus.Created, request.RoleTemplateIds));
            }

            if (this.relationships.Any(r => string.Equals(r.DisplayName, request.DisplayName, StringComparison.OrdinalIgnoreCase)))
            {
                return Task.FromResult<RelationshipSnapshot?>(null);
            }

            this.Creates++;
            RelationshipSnapshot created = new($"{Guid.NewGuid()}-{Guid.NewGuid()}", request.DisplayName, request.CustomerTenantId, RelationshipStatus.Created, request.RoleTemplateIds);
            this.relationships.Add(created);
            return Task.FromResult<RelationshipSnapshot?>(created);
        }
    }

    /// <summary>As the Graph adapter: a relationship already locked (or further on) is left as it is; one that ended cannot be locked.</summary>
    public Task LockForApprovalAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.LockForApprovalAsync));
        lock (this.gate)
        {
            int index = this.relationships.FindIndex(r => r.Id == relationshipId.Value);
            RelationshipStatus? now = index < 0 ? null : this.relationships[index].Status;
            if (now == RelationshipStatus.Created)
            {
                this.relationships[index] = this.relationships[index] with { Status = RelationshipStatus.ApprovalPending };
                return Task.CompletedTask;
            }

            if (now is not (RelationshipStatus.ApprovalPending or RelationshipStatus.Approved or RelationshipStatus.Activating or RelationshipStatus.Active))
            {
                throw new StepFailedException($"The relationship cannot be locked for approval: it is {now?.ToString() ?? "gone"}. Retry to create a new one.");
            }

            return Task.CompletedTask;
        }
    }
}

/// <summary>The customer side in memory: consent and a probe whose answer a test sets.</summary>
public sealed class InMemoryCustomerAccess : ICustomerAccess
{
    int consents;

    public int Consents => this.consents;

    /// <summary>When set, consent fails with this non-transient message (e.g. a Conditional Access block).</summary>
    public string? ConsentFailure { get; set; }

    /// <summary>The report the next probes return; green by default.</summary>
    public AccessReport Report { get; set; } = new([], []);

    /// <summary>How many consent attempts answer "not yet" (GDAP roles still propagating) before one succeeds.</summary>
    public int ConsentRefusalsWhilePropagating { get; set; }

    /// <summary>Failures scripted per operation (e.g. <c>nameof(ICustomerAccess.ProbeAsync)</c>).</summary>
    public ScriptedFaults Faults { get; } = new();

    public Task<ConsentOutcome> EnsureConsentAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.EnsureConsentAsync));
        if (this.ConsentFailure is { } failure)
        {
            throw new StepFailedException(failure);
        }

        if (this.ConsentRefusalsWhilePropagating > 0)
        {
            this.ConsentRefusalsWhilePropagating--;
            return Task.FromResult(new ConsentOutcome(ConsentState.AwaitingGdapRoles, "Delegated admin consent creation failed - Forbidden - GDAP relationship configuration needed."));
        }

        return Task.FromResult(Interlocked.Increment(ref this.consents) == 1 ? ConsentOutcome.Created : ConsentOutcome.AlreadyPresent);
    }

    public Task<bool> RemoveConsentAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.RemoveConsentAsync));
        return Task.FromResult(Interlocked.Exchange(ref this.consents, 0) > 0);
    }

    public Task<AccessReport> ProbeAsync(Guid customerTenantId, IReadOnlyList<Guid> requiredRoleTemplateIds, CancellationToken cancellationToken)
    {
        this.Faults.Enter(nameof(this.ProbeAsync));
        return Task.FromResult(this.Report);
    }
}

/// <summary>The partner-wide audit in memory.</summary>
public sealed class InMemoryOperationsAudit : IOperationsAudit
{
    readonly List<OperationsAuditEntry> entries = [];

    public IReadOnlyList<OperationsAuditEntry> Entries
    {
        get
        {
            lock (this.entries)
            {
                return [.. this.entries];
            }
        }
    }

    public Task RecordAsync(Guid partnerTenantId, OperationsAuditEntry entry, CancellationToken cancellationToken)
    {
        lock (this.entries)
        {
            this.entries.Add(entry);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OperationsAuditEntry>> ListAsync(Guid partnerTenantId, int top, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<OperationsAuditEntry>>([.. this.Entries.AsEnumerable().Reverse().Take(top)]);
}

/// <summary>
/// Failures a test scripts per port operation (named by the port method): a count of transient ones (what a 5xx or a
/// dropped connection is to the adapters), or a refusal the operator must fix (the adapters' <see cref="StepFailedException"/>).
/// </summary>
public sealed class ScriptedFaults
{
    readonly ConcurrentDictionary<string, int> transient = new();
    readonly ConcurrentDictionary<string, string> refusals = new();
    readonly ConcurrentDictionary<string, int> calls = new();

    readonly ConcurrentDictionary<string, int> passes = new();

    /// <summary>
    /// After <paramref name="after"/> more calls of <paramref name="operation"/> go through, the next <paramref name="times"/>
    /// fail as a transient fault would.
    /// </summary>
    public void FailTransiently(string operation, int times, int after = 0)
    {
        this.passes[operation] = after;
        this.transient[operation] = times;
    }

    /// <summary>Every call of <paramref name="operation"/> is refused with <paramref name="message"/> until <see cref="Clear"/>.</summary>
    public void Refuse(string operation, string message) => this.refusals[operation] = message;

    readonly ConcurrentDictionary<string, (TimeSpan RetryAfter, int Times)> throttles = new();

    /// <summary>The next <paramref name="times"/> calls of <paramref name="operation"/> are throttled with a <c>Retry-After</c> longer than an activity waits.</summary>
    public void Throttle(string operation, TimeSpan retryAfter, int times) => this.throttles[operation] = (retryAfter, times);

    /// <summary>Takes back what was scripted for <paramref name="operation"/>.</summary>
    public void Clear(string operation)
    {
        this.transient.TryRemove(operation, out _);
        this.passes.TryRemove(operation, out _);
        this.refusals.TryRemove(operation, out _);
    }

    /// <summary>How many times <paramref name="operation"/> was called, failed calls included.</summary>
    public int CallsOf(string operation) => this.calls.GetValueOrDefault(operation);

    /// <summary>Counts the call and throws what is scripted for it, if anything.</summary>
    public void Enter(string operation)
    {
        this.calls.AddOrUpdate(operation, 1, (_, n) => n + 1);
        if (this.refusals.TryGetValue(operation, out string? refusal))
        {
            throw new StepFailedException(refusal);
        }

        if (this.throttles.TryGetValue(operation, out (TimeSpan RetryAfter, int Times) throttle) && throttle.Times > 0 && this.throttles.TryUpdate(operation, throttle with { Times = throttle.Times - 1 }, throttle))
        {
            throw new MicrosoftBusyException(throttle.RetryAfter, operation);
        }

        if (this.passes.TryGetValue(operation, out int pass) && pass > 0 && this.passes.TryUpdate(operation, pass - 1, pass))
        {
            return;
        }

        if (this.transient.TryGetValue(operation, out int left) && left > 0 && this.transient.TryUpdate(operation, left - 1, left))
        {
            throw new HttpRequestException("503 Service Unavailable");
        }
    }
}

/// <summary>The partner's setup as a test sets it: ready unless changed.</summary>
public sealed class InMemoryPartnerFacts : IPartnerFacts
{
    public static readonly PartnerFacts Ready = new()
    {
        App = new(Guid.Parse("b7a1c3e5-3333-4a6b-9c1d-000000000001"), null, PartnerReadiness.PartnerApplicationPermissions, "client secret", DateTimeOffset.UtcNow.AddDays(300), null, ["https://bundle.example/api/admin-consent/callback"]),
        AdminConsentCallback = new Uri("https://bundle.example/api/admin-consent/callback"),
        ServiceAccount = new("svc@contoso.example", null, "svc@contoso.example", UsedMfa: true, ["user_impersonation"], InAdminAgents: true, HoldsGlobalAdministrator: false, null),
        GdapServicePrincipalPresent = true,
        PublishedScopes = new Dictionary<Guid, IReadOnlyList<string>>
        {
            [BundleFunctions.Bundle.Integration.MicrosoftGraph.ResourceAppId] = ["Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All", "Application.ReadWrite.All", "Policy.Read.All", "User.Read"],
            [BundleFunctions.Bundle.Integration.ExchangeOnline.ResourceAppId] = ["Exchange.Manage"],
        },
        RefreshTokenVault = new(new Uri("https://vault.example/secrets/refresh-token"), null),
        Webhook = new(new Uri("https://bundle.example/api/webhooks/partner-center"), new Uri("https://bundle.example/api/webhooks/partner-center"), IWebhookRegistration.Events, null),
    };

    public PartnerFacts Facts { get; set; } = Ready;

    public int Gathered { get; private set; }

    public Task<PartnerFacts> GatherAsync(Uri? expectedWebhookUrl, CancellationToken cancellationToken)
    {
        this.Gathered++;
        return Task.FromResult(this.Facts);
    }
}
