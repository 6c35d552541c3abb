using BundleFunctions.Activities;
using BundleFunctions.Onboarding;
using BundleFunctions.Ports;

namespace BundleFunctions.Orchestrators;

/// <summary>
/// The enterprise-app path of an onboarding (no CSP relationship): the admin-consent link, the customer's answer through the
/// consent callback (polling as the safety net, as it is behind the webhook for GDAP), then app-only access until it works.
/// It fills the GDAP steps' slots — the link is the invitation, the consent the customer's approval, the app-only check the
/// access check — with the same deadlines, cancel, retry and refresh; the GDAP-only steps show as skipped once it succeeds.
/// </summary>
internal sealed class EnterpriseAppPath(OnboardingInput input, OnboardingJournal journal, MicrosoftCalls calls, CustomerApprovalWait approval, ICarriedWaits waits)
{
    /// <summary>The onboarding's closing message on this path.</summary>
    public const string AccessWorks = "App-only API access into the customer tenant works.";

    static readonly AwaitedEvent ConsentAnswered = AwaitedEvent.Of<AdminConsentAnswer>(OnboardingEvents.AdminConsentAnswered);

    WorkflowSettings Settings => input.Settings;

    Guid Customer => input.Subject.CustomerTenantId;

    /// <summary>The path's steps, in order.</summary>
    public List<(OnboardingStep Step, Func<Task<StepResult>> Run)> Steps() =>
    [
        (OnboardingStep.PublishInvitation, this.PublishConsentLinkAsync),
        (OnboardingStep.AwaitCustomerApproval, this.AwaitAdminConsentAsync),
        (OnboardingStep.VerifyAccess, this.VerifyAppAccessAsync),
    ];

    async Task<StepResult> PublishConsentLinkAsync()
    {
        await journal.StartAsync(OnboardingStep.PublishInvitation);
        Uri link = await calls.CallAsync<Uri>(nameof(PrepareAdminConsentLinkActivity), input.Subject);
        await journal.CompleteAsync("Admin-consent link ready for the customer's Global Administrator.", invitationUrl: link);
        return StepResult.Next;
    }

    /// <summary>The customer's administrator answers at the consent callback; polling finds a consent whose callback was lost.</summary>
    async Task<StepResult> AwaitAdminConsentAsync()
    {
        (StepResult result, string? seenBy) = await approval.UntilAnsweredAsync<AdminConsentAnswer>(
            "the customer's admin consent",
            ConsentAnswered,
            answer => answer switch
            {
                { Granted: true } when answer.TenantId == this.Customer => new(StepResult.Next, "callback"),
                { Granted: true } => new(StepFailures.AdminConsentInAnotherTenant(answer.TenantId, this.Customer), null),
                _ => new(StepFailures.AdminConsentRefused(answer), null),
            },
            async polls => (await this.ProbeAsync()).Consented ? new(StepResult.Next, $"polling after {polls} checks") : null,
            this.Settings.Approval,
            waits.TakeWait(),
            () => StepFailures.AdminConsentExpired(this.Settings.Approval.Timeout),
            waits.ContinueWaitingAsNew);
        if (result.IsNext)
        {
            await journal.CompleteAsync($"The customer's administrator consented (seen by {seenBy}).");
        }

        return result;
    }

    /// <summary>Rechecks app-only access on durable timers until it works or the deadline passes.</summary>
    async Task<StepResult> VerifyAppAccessAsync()
    {
        await waits.StartUnlessWaitingAsync();
        return await waits.PollUntilAsync(
            this.Settings.Verification,
            "the admin consent to take effect",
            async () => await this.ProbeAsync() is { IsGreen: false } report
                ? Poll.NotYet($"Not yet: {report.Describe()} Rechecking.", Shield.Blue)
                : Poll.Done(null), // the onboarding's success completes the step
            missing => StepFailures.AppAccessStillMissing(missing, this.Settings.Verification.Timeout));
    }

    Task<AppAccessReport> ProbeAsync() => calls.CallAsync<AppAccessReport>(nameof(VerifyAppAccessActivity), this.Customer);
}
