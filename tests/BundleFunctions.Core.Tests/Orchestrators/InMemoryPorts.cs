using System.Collections.Concurrent;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

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

/// <summary>A partner directory in memory, with scripted failures.</summary>
public sealed class InMemoryPartnerDirectory : IPartnerDirectory
{
    readonly ConcurrentDictionary<string, string> groups = new();
    int calls;

    /// <summary>How many calls fail with a transient error before calls succeed.</summary>
    public int TransientFailures { get; set; }

    /// <summary>When set, every call fails with this non-transient message.</summary>
    public string? PermanentFailure { get; set; }

    public int Calls => this.calls;

    public IReadOnlyCollection<string> GroupNames => [.. this.groups.Keys];

    public Task<IReadOnlyList<PartnerGroup>> EnsureRoleGroupsAsync(IReadOnlyList<PartnerGroupName> names, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref this.calls);
        if (this.PermanentFailure is { } message)
        {
            throw new StepFailedException(message);
        }

        if (this.TransientFailures > 0)
        {
            this.TransientFailures--;
            throw new HttpRequestException("503 Service Unavailable");
        }

        return Task.FromResult<IReadOnlyList<PartnerGroup>>([.. names.Select(name =>
        {
            bool created = false;
            string id = this.groups.GetOrAdd(name.DisplayName, _ =>
            {
                created = true;
                return Guid.NewGuid().ToString();
            });
            return new PartnerGroup(id, name.DisplayName, created, MemberAdded: created);
        })]);
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

    readonly List<AccessAssignmentSnapshot> assignments = [];

    /// <summary>What the customer's Global Administrator does in the admin center: the relationship becomes active.</summary>
    public void Approve(string relationshipId) => this.SetStatus(relationshipId, RelationshipStatus.Active);

    public IReadOnlyList<AccessAssignmentSnapshot> Assignments
    {
        get
        {
            lock (this.gate)
            {
                return [.. this.assignments];
            }
        }
    }

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

    public Task<RelationshipSnapshot?> GetAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            return Task.FromResult(this.relationships.FirstOrDefault(r => r.Id == relationshipId.Value));
        }
    }

    public Task<IReadOnlyList<AccessAssignmentSnapshot>> ListAccessAssignmentsAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            return Task.FromResult<IReadOnlyList<AccessAssignmentSnapshot>>([.. this.assignments]);
        }
    }

    /// <summary>Assignments become active at once (the Microsoft-side delay is the simulator's business).</summary>
    public Task<AccessAssignmentSnapshot> CreateAccessAssignmentAsync(RelationshipId relationshipId, string groupId, Guid roleTemplateId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            if (this.assignments.Any(a => a.GroupId == groupId && a.IsLive))
            {
                throw new StepFailedException("An access assignment already exists for this group.");
            }

            AccessAssignmentSnapshot created = new(Guid.NewGuid().ToString(), groupId, "active", [roleTemplateId]);
            this.assignments.Add(created);
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

    public Task<IReadOnlyList<RelationshipSnapshot>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(this.All);

    Guid? nameThief;

    /// <summary>Another customer's onboarding takes the name of our next create between our list and our create.</summary>
    public void LetAnotherCustomerTakeTheNextName(Guid otherCustomer) => this.nameThief = otherCustomer;

    public Task<RelationshipSnapshot?> CreateAsync(RelationshipRequest request, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            if (this.nameThief is Guid thief)
            {
                this.nameThief = null;
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

    public Task LockForApprovalAsync(RelationshipId relationshipId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            int index = this.relationships.FindIndex(r => r.Id == relationshipId.Value);
            if (this.relationships[index].Status != RelationshipStatus.Created)
            {
                throw new StepFailedException("Only a relationship in status 'created' can be locked for approval.");
            }

            this.relationships[index] = this.relationships[index] with { Status = RelationshipStatus.ApprovalPending };
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

    public Task<ConsentOutcome> EnsureConsentAsync(Guid customerTenantId, CancellationToken cancellationToken)
    {
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

    public Task<AccessReport> ProbeAsync(Guid customerTenantId, IReadOnlyList<Guid> requiredRoleTemplateIds, CancellationToken cancellationToken) =>
        Task.FromResult(this.Report);
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
