namespace BundleFunctions.Onboarding;

/// <summary>How a customer is brought under management.</summary>
public enum OnboardingPath
{
    /// <summary>
    /// A GDAP relationship the customer approves, access assignments for the partner's role groups, the app consented
    /// through Partner Center, and access checked as the service account with its GDAP roles.
    /// </summary>
    Gdap,

    /// <summary>
    /// No CSP relationship: the customer's Global Administrator consents the partner's app through Entra's admin-consent link,
    /// and access is checked app-only with the application permissions that consent granted.
    /// </summary>
    EnterpriseApp,
}
