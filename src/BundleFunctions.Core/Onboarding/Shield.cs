namespace BundleFunctions.Onboarding;

/// <summary>The customer's access health, in the Microsoft Cloud Integration Bundle's terms.</summary>
public enum Shield
{
    /// <summary>Not checked yet.</summary>
    None,

    /// <summary>Something is missing (roles, consent, a Conditional Access exclusion); the onboarding says what.</summary>
    Blue,

    /// <summary>The GDAP relationship works and API access into the customer tenant is valid.</summary>
    Green,
}
