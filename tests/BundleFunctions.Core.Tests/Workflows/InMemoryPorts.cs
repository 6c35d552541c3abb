using System.Collections.Concurrent;
using BundleFunctions.Gdap;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Core.Tests.Workflows;

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

    public Task<OnboardingRecord?> GetAsync(Guid partnerTenantId, string onboardingId, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            return Task.FromResult(this.records.GetValueOrDefault(onboardingId));
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

    public Task<PartnerGroup> EnsureRoleGroupAsync(PartnerGroupName name, CancellationToken cancellationToken)
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

        bool created = false;
        string id = this.groups.GetOrAdd(name.DisplayName, _ => { created = true; return Guid.NewGuid().ToString(); });
        return Task.FromResult(new PartnerGroup(id, name.DisplayName, created, MemberAdded: created));
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
        get { lock (this.gate) { return [.. this.relationships]; } }
    }

    public void Expire(string relationshipId)
    {
        lock (this.gate)
        {
            int index = this.relationships.FindIndex(r => r.Id == relationshipId);
            this.relationships[index] = this.relationships[index] with { Status = RelationshipStatus.Expired };
        }
    }

    public void Seed(RelationshipSnapshot relationship)
    {
        lock (this.gate) { this.relationships.Add(relationship); }
    }

    public Task<IReadOnlyList<RelationshipSnapshot>> ListAsync(CancellationToken cancellationToken) => Task.FromResult(this.All);

    public Task<RelationshipSnapshot> CreateAsync(RelationshipRequest request, CancellationToken cancellationToken)
    {
        lock (this.gate)
        {
            if (this.relationships.Any(r => string.Equals(r.DisplayName, request.DisplayName, StringComparison.OrdinalIgnoreCase)))
            {
                throw new StepFailedException($"A relationship named '{request.DisplayName}' already exists.");
            }

            this.Creates++;
            RelationshipSnapshot created = new($"{Guid.NewGuid()}-{Guid.NewGuid()}", request.DisplayName, request.CustomerTenantId, RelationshipStatus.Created, request.RoleTemplateIds);
            this.relationships.Add(created);
            return Task.FromResult(created);
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
