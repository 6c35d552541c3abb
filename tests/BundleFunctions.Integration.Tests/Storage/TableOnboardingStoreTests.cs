using Azure.Data.Tables;
using BundleFunctions.Infrastructure.Storage;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Integration.Tests.Storage;

public sealed class TableOnboardingStoreTests
{
    static readonly DateTimeOffset T0 = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);
    readonly TableOnboardingStore store = new(Azurite.Tables(), "OnboardingsSpec");
    readonly Guid partner = Guid.NewGuid();

    OnboardingSubject NewSubject() => new(OnboardingId.For(this.partner, Guid.NewGuid()), this.partner, Guid.NewGuid(), "Contoso", "PSA-42");

    [Fact]
    public async Task The_first_change_creates_the_onboarding_with_its_audit_line()
    {
        OnboardingSubject subject = this.NewSubject();

        await this.store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.Validate, StepStatus.Running, Status: OnboardingStatus.Running, AttemptKey: "a"), T0, default);

        OnboardingRecord record = (await this.store.GetAsync(this.partner, subject.OnboardingId, default))!;
        Assert.Equal(subject, record.Subject);
        Assert.Equal((OnboardingStatus.Running, T0, T0), (record.Status, record.CreatedAt, record.UpdatedAt));
        Assert.Equal(1, record.Steps.Single(s => s.Step == OnboardingStep.Validate).Attempts);
        AuditLine line = Assert.Single(await this.store.GetAuditTrailAsync(this.partner, subject.OnboardingId, default));
        Assert.Equal(new AuditLine(T0, "Validate Running, onboarding Running", null, ProgressUpdate.System), line);
    }

    [Fact]
    public async Task Every_field_round_trips_through_the_table()
    {
        OnboardingSubject subject = this.NewSubject();
        Uri link = new("https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/a-b");

        OnboardingRecord written = await this.store.ApplyAsync(
            new ProgressUpdate(subject, OnboardingStep.PublishInvitation, StepStatus.Succeeded, "ready", OnboardingStatus.WaitingForCustomer, Shield.Blue, "a-b", link), T0, default);

        OnboardingRecord read = (await this.store.GetAsync(this.partner, subject.OnboardingId, default))!;
        Assert.Equal(written with { Steps = [] }, read with { Steps = [] });
        Assert.Equal(written.Steps, read.Steps);
        Assert.Equal(link, read.InvitationUrl);
    }

    [Fact]
    public async Task A_redelivered_start_is_neither_counted_nor_audited_twice()
    {
        OnboardingSubject subject = this.NewSubject();
        ProgressUpdate start = new(subject, OnboardingStep.CreateRelationship, StepStatus.Running, AttemptKey: "same");

        await this.store.ApplyAsync(start, T0, default);
        await this.store.ApplyAsync(start, T0.AddSeconds(5), default);

        OnboardingRecord record = (await this.store.GetAsync(this.partner, subject.OnboardingId, default))!;
        Assert.Equal(1, record.Steps.Single(s => s.Step == OnboardingStep.CreateRelationship).Attempts);
        Assert.Single(await this.store.GetAuditTrailAsync(this.partner, subject.OnboardingId, default));
    }

    [Fact]
    public async Task Concurrent_writers_lose_no_change()
    {
        OnboardingSubject subject = this.NewSubject();
        await this.store.ApplyAsync(new ProgressUpdate(subject, Message: "created"), T0, default);

        // Twenty writers race on one row: each start is a distinct attempt, so every one must be counted.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            this.store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.EnsurePartnerGroups, StepStatus.Running, AttemptKey: $"k{i}"), T0.AddSeconds(i), default)));

        OnboardingRecord record = (await this.store.GetAsync(this.partner, subject.OnboardingId, default))!;
        Assert.Equal(20, record.Steps.Single(s => s.Step == OnboardingStep.EnsurePartnerGroups).Attempts);
        Assert.Equal(21, (await this.store.GetAuditTrailAsync(this.partner, subject.OnboardingId, default)).Count);
    }

    [Fact]
    public async Task A_store_writes_its_own_next_change_without_reading_the_row_first()
    {
        RequestCounter counter = new();
        TableClientOptions options = new();
        options.AddPolicy(counter, Azure.Core.HttpPipelinePosition.PerCall);
        TableOnboardingStore counted = new(new TableServiceClient(Azurite.ConnectionString, options), "OnboardingsSpec");
        OnboardingSubject subject = this.NewSubject();
        await counted.ApplyAsync(new ProgressUpdate(subject, Message: "created"), T0, default);
        int before = counter.Reads;

        for (int i = 0; i < 5; i++)
        {
            await counted.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.EnsurePartnerGroups, StepStatus.Running, AttemptKey: $"k{i}"), T0.AddSeconds(i), default);
        }

        Assert.Equal(before, counter.Reads);
        Assert.Equal(5, (await this.store.GetAsync(this.partner, subject.OnboardingId, default))!.Steps.Single(s => s.Step == OnboardingStep.EnsurePartnerGroups).Attempts);
    }

    [Fact]
    public async Task A_change_made_by_another_store_since_this_one_wrote_is_kept()
    {
        TableOnboardingStore other = new(Azurite.Tables(), "OnboardingsSpec");
        OnboardingSubject subject = this.NewSubject();
        await this.store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.Validate, StepStatus.Running, AttemptKey: "a"), T0, default);

        await other.ApplyAsync(new ProgressUpdate(subject, Shield: Shield.Blue, Message: "relationship terminated", Actor: "Partner Center"), T0.AddSeconds(1), default);
        await this.store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.Validate, StepStatus.Succeeded, "ok"), T0.AddSeconds(2), default);

        OnboardingRecord record = (await this.store.GetAsync(this.partner, subject.OnboardingId, default))!;
        Assert.Equal((Shield.Blue, StepStatus.Succeeded), (record.Shield, record.Steps.Single(s => s.Step == OnboardingStep.Validate).Status));
        Assert.Equal(3, (await this.store.GetAuditTrailAsync(this.partner, subject.OnboardingId, default)).Count);
    }

    /// <summary>Counts the store's row reads (GETs) on the wire.</summary>
    sealed class RequestCounter : Azure.Core.Pipeline.HttpPipelineSynchronousPolicy
    {
        int reads;

        public int Reads => this.reads;

        public override void OnSendingRequest(Azure.Core.HttpMessage message)
        {
            if (message.Request.Method == Azure.Core.RequestMethod.Get)
            {
                Interlocked.Increment(ref this.reads);
            }
        }
    }

    [Fact]
    public async Task The_audit_trail_is_oldest_first_and_holds_only_that_onboardings_lines()
    {
        OnboardingSubject first = this.NewSubject();
        OnboardingSubject second = this.NewSubject();
        await this.store.ApplyAsync(new ProgressUpdate(first, Message: "one"), T0, default);
        await this.store.ApplyAsync(new ProgressUpdate(second, Message: "other"), T0.AddSeconds(1), default);
        await this.store.ApplyAsync(new ProgressUpdate(first, Message: "two"), T0.AddSeconds(2), default);

        IReadOnlyList<AuditLine> trail = await this.store.GetAuditTrailAsync(this.partner, first.OnboardingId, default);

        Assert.Equal(["one", "two"], trail.Select(l => l.Message));
    }

    [Fact]
    public async Task Onboardings_of_another_partner_are_not_visible()
    {
        OnboardingSubject subject = this.NewSubject();
        await this.store.ApplyAsync(new ProgressUpdate(subject, Message: "x"), T0, default);

        Assert.Null(await this.store.GetAsync(Guid.NewGuid(), subject.OnboardingId, default));
    }

    [Fact]
    public async Task An_overlong_message_is_clipped_to_fit_the_table()
    {
        OnboardingSubject subject = this.NewSubject();

        await this.store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.Validate, StepStatus.Failed, new string('m', 10_000)), T0, default);

        string message = (await this.store.GetAsync(this.partner, subject.OnboardingId, default))!.Steps[0].Message!;
        Assert.Equal(4000, message.Length);
        Assert.EndsWith("…", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listing_returns_the_partners_onboardings_without_audit_or_index_rows()
    {
        OnboardingSubject first = this.NewSubject();
        OnboardingSubject second = this.NewSubject();
        await this.store.ApplyAsync(new ProgressUpdate(first, Message: "one", RelationshipId: "a-b"), T0, default);
        await this.store.ApplyAsync(new ProgressUpdate(second, Message: "two"), T0.AddSeconds(1), default);

        IReadOnlyList<OnboardingRecord> listed = await this.store.ListAsync(this.partner, default);

        Assert.Equal([second.OnboardingId, first.OnboardingId], listed.Select(r => r.Subject.OnboardingId));
    }

    [Fact]
    public async Task The_relationship_index_finds_the_onboarding_that_owns_a_relationship()
    {
        OnboardingSubject subject = this.NewSubject();
        string relationship = $"{Guid.NewGuid()}-{Guid.NewGuid()}";

        await this.store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.CreateRelationship, StepStatus.Succeeded, "created", RelationshipId: relationship), T0, default);

        Assert.Equal(subject.OnboardingId, await this.store.FindByRelationshipAsync(this.partner, relationship, default));
        Assert.Null(await this.store.FindByRelationshipAsync(this.partner, $"{Guid.NewGuid()}-{Guid.NewGuid()}", default));
        Assert.Null(await this.store.FindByRelationshipAsync(Guid.NewGuid(), relationship, default));
    }

    [Fact]
    public async Task The_audit_trail_says_who_caused_each_change()
    {
        OnboardingSubject subject = this.NewSubject();

        await this.store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.Validate, StepStatus.Running, AttemptKey: "a"), T0, default);
        await this.store.ApplyAsync(new ProgressUpdate(subject, Status: OnboardingStatus.Cancelled, Message: "Cancelled", Actor: "ops@msp.example"), T0.AddSeconds(1), default);

        IReadOnlyList<AuditLine> trail = await this.store.GetAuditTrailAsync(this.partner, subject.OnboardingId, default);
        Assert.Equal([ProgressUpdate.System, "ops@msp.example"], trail.Select(l => l.Actor));
    }

    [Fact]
    public void A_missing_data_connection_names_the_settings_to_set()
    {
        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() =>
            BundleFunctions.Infrastructure.InfrastructureServices.CreateTableService(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), "BundleData"));
        Assert.Contains("BundleData__tableServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_filtered_in_the_store_hold_each_matching_onboarding_exactly_once()
    {
        OnboardingSubject[] subjects = [.. Enumerable.Range(0, 7).Select(_ => this.NewSubject())];
        foreach ((OnboardingSubject subject, int i) in subjects.Select((s, i) => (s, i)))
        {
            await this.store.ApplyAsync(new ProgressUpdate(subject, OnboardingStep.Validate, StepStatus.Running, Status: i % 2 == 0 ? OnboardingStatus.Running : OnboardingStatus.Failed, AttemptKey: "a"), T0, default);
        }

        List<OnboardingRecord> running = [];
        List<int> sizes = [];
        string? token = null;
        do
        {
            OnboardingPage page = await this.store.ListPageAsync(this.partner, new OnboardingQuery(OnboardingStatus.Running, null, 2, token), default);
            running.AddRange(page.Records);
            sizes.Add(page.Records.Count);
            token = page.ContinuationToken;
        }
        while (token is not null);
        OnboardingPage oneCustomer = await this.store.ListPageAsync(this.partner, new OnboardingQuery(null, subjects[3].CustomerTenantId, 100, null), default);

        Assert.Equal(subjects.Where((_, i) => i % 2 == 0).Select(s => s.OnboardingId).Order(StringComparer.Ordinal), running.Select(r => r.Subject.OnboardingId));
        Assert.All(sizes, size => Assert.InRange(size, 0, 2));
        Assert.Equal([subjects[3].OnboardingId], oneCustomer.Records.Select(r => r.Subject.OnboardingId));
    }
}
