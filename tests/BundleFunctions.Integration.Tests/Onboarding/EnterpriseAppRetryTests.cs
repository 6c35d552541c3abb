using BundleFunctions.Onboarding;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.Onboarding;

/// <summary>
/// The enterprise-app path's waits in the workflow itself: a retry after a refused consent, and polling that finds a
/// consent whose callback never arrived (the administrator closed the browser before Entra's redirect).
/// </summary>
public sealed class EnterpriseAppRetryTests : IAsyncLifetime
{
    static readonly Guid Customer = GeneratedSeed.Customer(1);

    OnboardingStack stack = null!;

    public async Task InitializeAsync() => this.stack = await OnboardingStack.StartAsync(seedJson: GeneratedSeed.With(1));

    public async Task DisposeAsync() => await this.stack.DisposeAsync();

    [Fact]
    public async Task A_retry_after_a_declined_consent_goes_green_once_the_administrator_consents_even_without_the_callback()
    {
        OnboardingInput input = OnboardingStack.InputFor(Customer, "Retrying Ltd");
        input = input with { Subject = input.Subject with { RoleTemplateIds = null, Path = OnboardingPath.EnterpriseApp }, Request = input.Request with { Path = OnboardingPath.EnterpriseApp } };
        string id = await this.stack.StartAsync(input);
        OnboardingRecord waiting = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);

        await this.stack.Client.RaiseEventAsync(id, OnboardingEvents.AdminConsentAnswered, new AdminConsentAnswer(false, null, "access_denied", "AADSTS65004: User declined to consent to access the app."));
        OnboardingRecord declined = await this.stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);
        await SimulatedAdministrator.AnswerAsync(this.stack.Http, waiting.InvitationUrl!, "approve"); // the browser never reaches the callback
        await this.stack.Client.RaiseEventAsync(id, OnboardingEvents.RetryRequested, new OperatorDecision("operator@msp.example"));
        OnboardingOutcome outcome = await this.stack.WaitForOutcomeAsync(id);
        OnboardingRecord done = (await this.stack.Store.GetAsync(OnboardingStack.PartnerTenantId, id, default))!;

        StepRecord approval = done.Steps.Single(s => s.Step == OnboardingStep.AwaitCustomerApproval);
        Assert.Equal(OnboardingStep.AwaitCustomerApproval, declined.CurrentStep);
        Assert.Equal((OnboardingStatus.Succeeded, Shield.Green), (outcome.Status, outcome.Shield));
        Assert.Matches("^The customer's administrator consented \\(seen by polling after [0-9]+ checks\\)\\.$", approval.Message);
        Assert.Equal(2, approval.Attempts);
        Assert.Equal(1, done.Steps.Single(s => s.Step == OnboardingStep.PublishInvitation).Attempts); // the same link served the retry
        Assert.Equal(waiting.InvitationUrl, done.InvitationUrl);
    }
}
