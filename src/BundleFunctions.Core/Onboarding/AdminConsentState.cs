using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace BundleFunctions.Onboarding;

/// <summary>
/// The <c>state</c> of an admin-consent link: the onboarding's ID and 192 random bits. Entra hands it back to the callback
/// unchanged, and the callback acts only when it equals the state of the link the onboarding published (kept in its record),
/// so a forged or stale answer — another onboarding's ID, a guessed or an older link's value — changes nothing.
/// </summary>
public static class AdminConsentState
{
    /// <summary>The longest state the callback reads.</summary>
    public const int MaxLength = 256;

    const char Separator = '~';

    /// <summary>A new state for <paramref name="onboardingId"/>; random, so made in an activity, never in an orchestrator.</summary>
    /// <param name="onboardingId">The onboarding.</param>
    /// <returns>The state.</returns>
    public static string New(string onboardingId) =>
        onboardingId + Separator + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(24));

    /// <summary>The onboarding a state names, or null when it is not a state this product makes.</summary>
    /// <param name="state">The state as the callback received it.</param>
    /// <returns>The onboarding ID, or null.</returns>
    public static string? OnboardingOf(string? state) =>
        state is { Length: > 0 and <= MaxLength } && state.LastIndexOf(Separator) is > 0 and var at && at < state.Length - 1 ? state[..at] : null;

    /// <summary>The state carried by a published link (its <c>state</c> query parameter), or null.</summary>
    /// <param name="link">The admin-consent link.</param>
    /// <returns>The state, or null.</returns>
    public static string? Of(Uri? link) =>
        link?.Query.TrimStart('?').Split('&').Select(p => p.Split('=', 2)).FirstOrDefault(p => p.Length == 2 && p[0] == "state") is { } pair ? Uri.UnescapeDataString(pair[1]) : null;

    /// <summary>Whether <paramref name="received"/> is exactly the state of <paramref name="published"/> (compared in constant time).</summary>
    /// <param name="published">The link the onboarding published.</param>
    /// <param name="received">The state the callback received.</param>
    /// <returns>True when they match.</returns>
    public static bool Matches(Uri? published, string received) =>
        Of(published) is { } expected && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(received));
}
