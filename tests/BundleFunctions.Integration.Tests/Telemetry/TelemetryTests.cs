using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using BundleFunctions.Integration.Tests.Onboarding;
using BundleFunctions.Onboarding;
using BundleFunctions.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BundleFunctions.Integration.Tests.Telemetry;

/// <summary>The windows onto a running onboarding: its log lines and its metrics, read as a host's exporter reads them.</summary>
public sealed partial class TelemetryTests : IAsyncLifetime
{
    readonly CapturedLogs logs = new();
    OnboardingStack stack = null!;

    public async Task InitializeAsync() => this.stack = await OnboardingStack.StartAsync(
        services: worker => worker.AddLogging(b => b.AddProvider(this.logs).AddFilter<CapturedLogs>(null, LogLevel.Trace)));

    public async Task DisposeAsync() => await this.stack.DisposeAsync();

    [Fact]
    public async Task A_failed_step_is_logged_once_with_the_onboarding_id_and_no_secret()
    {
        WorkflowSettings approvalWithinTwoSeconds = OnboardingStack.FastSettings with { Approval = new Polling(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)) };
        string id = await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd", approvalWithinTwoSeconds));
        await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        CapturedLogs.LogLine failed = Assert.Single(this.logs.Lines, l => l.Text.Contains("step AwaitCustomerApproval failed", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Contains(id, failed.Text, StringComparison.Ordinal);
        Assert.Contains("The approval request expired", failed.Text, StringComparison.Ordinal);
        Assert.Equal(id, failed.Scope["OnboardingId"]);
        Assert.Single(this.logs.Lines, l => l.Text.Contains("step AwaitCustomerApproval started", StringComparison.Ordinal));
        Assert.Contains(this.logs.Lines, l => l.Category == "BundleFunctions.MicrosoftCloud" && l.Text.Contains("graph GET /v1.0/tenantRelationships/delegatedAdminRelationships/{id} answered 200", StringComparison.Ordinal));
        Assert.DoesNotContain(this.logs.Lines, l => l.Text.Contains(OnboardingStack.ClientSecret, StringComparison.Ordinal) || l.Text.Contains(OnboardingStack.RefreshToken, StringComparison.Ordinal) || Jwt().IsMatch(l.Text));
    }

    [Fact]
    public async Task An_onboarding_reports_its_outcome_step_durations_and_Microsoft_calls_as_metrics()
    {
        using MetricsCapture metrics = new(this.stack.Services.GetRequiredService<IMeterFactory>());
        string id = await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        OnboardingRecord waiting = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);
        await this.stack.ApproveAsync(waiting.RelationshipId!, OnboardingStack.Fabrikam);
        Assert.Equal(Shield.Green, (await this.stack.WaitForOutcomeAsync(id)).Shield);

        Assert.Single(metrics.Of(BundleMeter.OnboardingStatusReached), m => (m.Tag("status"), m.Tag("shield")) == ("Succeeded", "Green"));
        Assert.Equal(
            Enum.GetNames<OnboardingStep>().Where(s => s != nameof(OnboardingStep.EndReplacedRelationships)).Order(), // a migration's step only
            metrics.Of(BundleMeter.StepDuration).Where(m => m.Tag("result") == "Succeeded").Select(m => m.Tag("step")).Distinct().Order());
        Assert.All(metrics.Of(BundleMeter.StepDuration), m => Assert.InRange(m.Value, 0, 60));
        Assert.Single(metrics.Of(BundleMeter.MicrosoftRequests), m => (m.Tag("service"), m.Tag("method"), m.Tag("route"), m.Tag("status")) == ("graph", "POST", "/v1.0/tenantRelationships/delegatedAdminRelationships", "201"));
        Assert.Equal(12, metrics.Of(BundleMeter.MicrosoftRequests).Count(m => (m.Tag("method"), m.Tag("route"), m.Tag("status")) == ("POST", "/v1.0/tenantRelationships/delegatedAdminRelationships/{id}/accessAssignments", "201")));
        Assert.Contains(metrics.Of(BundleMeter.MicrosoftRequests), m => (m.Tag("service"), m.Tag("method")) == ("partnercenter", "POST"));
        Assert.Contains(metrics.Of(BundleMeter.MicrosoftRequests), m => m.Tag("service") == "login");
        Assert.DoesNotContain(metrics.Of(BundleMeter.MicrosoftRequests), m => Guid().IsMatch(m.Tag("route")));
        Assert.Empty(metrics.Of(BundleMeter.MicrosoftThrottled));
    }

    [Fact]
    public async Task Throttling_is_counted_by_route_with_whether_Microsoft_said_how_long_to_wait()
    {
        using MetricsCapture metrics = new(this.stack.Services.GetRequiredService<IMeterFactory>());
        await this.stack.SetFaultsAsync(new { throttleRates = new Dictionary<string, double> { ["*"] = 0.3 }, retryAfterSeconds = 0, randomSeed = 7 });
        string id = await this.stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

        MetricsCapture.Measurement[] throttled = [.. metrics.Of(BundleMeter.MicrosoftThrottled)];
        Assert.NotEmpty(throttled);
        Assert.Equal(throttled.Length, metrics.Of(BundleMeter.MicrosoftRequests).Count(m => m.Tag("status") is "429" or "503"));
        Assert.All(throttled, m => Assert.DoesNotMatch(Guid(), m.Tag("route")));
        Assert.Contains(this.logs.Lines, l => l.Text.Contains("sending again in", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"eyJ[A-Za-z0-9_-]{10,}\.")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-")]
    private static partial Regex Guid();

    /// <summary>Every measurement of the product's meter created by one host's meter factory (other tests' hosts are not heard).</summary>
    sealed class MetricsCapture : IDisposable
    {
        readonly MeterListener listener = new();
        readonly ConcurrentQueue<Measurement> seen = new();

        public MetricsCapture(IMeterFactory host)
        {
            this.listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == BundleMeter.Name && ReferenceEquals(instrument.Meter.Scope, host))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            this.listener.SetMeasurementEventCallback<long>((i, value, tags, _) => this.seen.Enqueue(new Measurement(i.Name, value, Tags(tags))));
            this.listener.SetMeasurementEventCallback<double>((i, value, tags, _) => this.seen.Enqueue(new Measurement(i.Name, value, Tags(tags))));
            this.listener.Start();
        }

        public IEnumerable<Measurement> Of(string instrument) => this.seen.Where(m => m.Instrument == instrument);

        public void Dispose() => this.listener.Dispose();

        static Dictionary<string, string> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            Dictionary<string, string> all = [];
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                all[tag.Key] = Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
            }

            return all;
        }

        public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, string> Tags)
        {
            public string Tag(string name) => this.Tags.GetValueOrDefault(name, string.Empty);
        }
    }
}
