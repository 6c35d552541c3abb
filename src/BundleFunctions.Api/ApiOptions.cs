using BundleFunctions.Onboarding;

namespace BundleFunctions.Api;

/// <summary>Settings of the public surface (section <c>Api</c>) and the workflow timings new onboardings get (section <c>Workflow</c>).</summary>
public sealed class ApiOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Api";

    /// <summary>The key callers send in <c>x-functions-key</c> (LocalHost; in Azure the Functions host checks its own keys).</summary>
    public string? FunctionKey { get; set; }

    /// <summary>
    /// The application (client) ID of the <em>BundleFunctions API</em> app registration in the partner tenant, which defines
    /// the app roles BundleFunctions.Reader, .Operator and .Administrator: tokens for it (audience this ID or
    /// <c>api://</c> this ID, issued by the partner tenant) sign people and systems in. Unset: only the function key is
    /// accepted, which allows Reader and Operator routes.
    /// </summary>
    public Guid? SignInAppId { get; set; }

    /// <summary>
    /// This deployment's public webhook receiver URL: the only URL the registration endpoint registers. Unset in Azure it is
    /// <c>https://{WEBSITE_HOSTNAME}/api/webhooks/partner-center</c>; the LocalHost sets it (loopback may be http).
    /// </summary>
    public Uri? PublicWebhookUrl { get; set; }

    /// <summary>The largest request body accepted.</summary>
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Hosts Partner Center may serve its signing certificate from (https only).</summary>
    public List<string> WebhookCertificateHosts { get; set; } = ["3psostorageacct.blob.core.windows.net"];

    /// <summary>Development only: trust exactly this signing certificate (the simulator's) instead of the system's roots.</summary>
    public string? WebhookTrustAnchorThumbprint { get; set; }

    /// <summary>The organization (O) the signing certificate's issuer must name, compared exactly (Partner Center: Microsoft's).</summary>
    public string WebhookCertificateIssuerOrganization { get; set; } = "Microsoft Corporation";

    /// <summary>
    /// How often a certificate URL never seen to give a trusted certificate may be fetched: forged deliveries naming new URLs on
    /// an allowed host cannot make the receiver download more than one certificate per interval.
    /// </summary>
    public TimeSpan WebhookNewCertificateUrlInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The suggested wait between status polls, in seconds (<c>Retry-After</c> of a 202).</summary>
    public int RetryAfterSeconds { get; set; } = 5;

    /// <summary>
    /// How long a readiness report without blocking failures lets onboardings through without asking Microsoft again (a
    /// batch of a thousand checks once); a failing report is never reused, so a retry after the fix is checked afresh.
    /// </summary>
    public TimeSpan ReadinessKeptFor { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a start waits for a run that has recorded its end to complete its last turn before answering 409.</summary>
    public TimeSpan FinishingGrace { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Workflow timings from configuration (section <c>Workflow</c>); defaults are production's.</summary>
public sealed class WorkflowOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Workflow";

    /// <summary>Prefix of the partner groups.</summary>
    public string GroupPrefix { get; set; } = WorkflowSettings.Default.GroupPrefix;

    /// <summary>First approval poll.</summary>
    public TimeSpan ApprovalFirstPoll { get; set; } = WorkflowSettings.Default.Approval.First;

    /// <summary>Longest approval poll interval.</summary>
    public TimeSpan ApprovalMaxPoll { get; set; } = WorkflowSettings.Default.Approval.Max;

    /// <summary>How long a customer has to approve.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = WorkflowSettings.Default.Approval.Timeout;

    /// <summary>First recheck of a pending activation, assignment or access check.</summary>
    public TimeSpan FollowUpFirstPoll { get; set; } = WorkflowSettings.Default.Activation.First;

    /// <summary>Longest wait between rechecks of activation, assignments, consent and access.</summary>
    public TimeSpan FollowUpMaxPoll { get; set; } = WorkflowSettings.Default.Activation.Max;

    /// <summary>How long an approved relationship may take to become active (Microsoft: up to 24 hours).</summary>
    public TimeSpan ActivationTimeout { get; set; } = WorkflowSettings.Default.Activation.Timeout;

    /// <summary>How long access assignments may stay pending.</summary>
    public TimeSpan AssignmentsTimeout { get; set; } = WorkflowSettings.Default.Assignments.Timeout;

    /// <summary>How long consent is retried while the service account's GDAP roles propagate into the customer.</summary>
    public TimeSpan ConsentTimeout { get; set; } = WorkflowSettings.Default.Consent.Timeout;

    /// <summary>How long access is rechecked before the shield stays blue.</summary>
    public TimeSpan VerificationTimeout { get; set; } = WorkflowSettings.Default.Verification.Timeout;

    /// <summary>How many of a batch's onboardings may be in their first, Microsoft-heavy steps at once.</summary>
    public int BatchConcurrency { get; set; } = 10;

    /// <summary>How often a batch looks whether its onboardings have freed a place.</summary>
    public TimeSpan BatchPoll { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Real seconds per second of Microsoft's time (1 in production; a run against a faster simulator clock sets less).</summary>
    public double TimeScale { get; set; } = 1;

    static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>The settings an onboarding started now runs with.</summary>
    /// <returns>The settings.</returns>
    public WorkflowSettings ToSettings()
    {
        WorkflowSettings d = WorkflowSettings.Default;
        return d with
        {
            GroupPrefix = this.GroupPrefix,
            Approval = new Polling(this.ApprovalFirstPoll, this.ApprovalMaxPoll, this.ApprovalTimeout),
            Activation = new Polling(this.FollowUpFirstPoll, this.FollowUpMaxPoll, this.ActivationTimeout),
            Assignments = new Polling(this.FollowUpFirstPoll, Min(this.FollowUpMaxPoll, d.Assignments.Max), this.AssignmentsTimeout),
            Consent = new Polling(this.FollowUpFirstPoll, Min(this.FollowUpMaxPoll, d.Consent.Max), this.ConsentTimeout),
            Verification = d.Verification with { First = this.FollowUpFirstPoll, Timeout = this.VerificationTimeout },
            TimeScale = this.TimeScale,
        };
    }
}
