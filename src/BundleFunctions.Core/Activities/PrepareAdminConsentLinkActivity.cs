using BundleFunctions.Onboarding;
using BundleFunctions.Ports;
using Microsoft.DurableTask;

namespace BundleFunctions.Activities;

/// <summary>
/// Makes the admin-consent link of an enterprise-app onboarding with a new random state (<see cref="AdminConsentState"/>):
/// an activity, because an orchestrator's random values are replayed and a state must not be predictable. The link is
/// published in the onboarding's record; the consent callback acts only on the state of the link published last.
/// </summary>
/// <param name="apps">The enterprise-app port.</param>
public sealed class PrepareAdminConsentLinkActivity(IEnterpriseAppAccess apps) : TaskActivity<OnboardingSubject, Uri>
{
    /// <inheritdoc />
    public override Task<Uri> RunAsync(TaskActivityContext context, OnboardingSubject input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Task.FromResult(apps.ConsentLinkFor(input.CustomerTenantId, AdminConsentState.New(input.OnboardingId)));
    }
}
