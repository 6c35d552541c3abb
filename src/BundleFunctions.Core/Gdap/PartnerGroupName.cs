using System.Text;

namespace BundleFunctions.Gdap;

/// <summary>
/// Names the partner-tenant security group that carries one role into every customer: <c>{prefix} GDAP-{Role Name}</c>.
/// One group per role, because roles sharing a group fail intermittently (Rewst's guidance since 2024).
/// </summary>
/// <param name="DisplayName">The group's display name; groups are found by this exact name.</param>
/// <param name="MailNickname">A <c>mailNickname</c> Graph accepts: ASCII letters and digits only, at most 64 characters.</param>
public sealed record PartnerGroupName(string DisplayName, string MailNickname)
{
    /// <summary>The prefix used when none is configured.</summary>
    public const string DefaultPrefix = "BundleFunctions";

    /// <summary>The longest prefix accepted (keeps display names short enough to read in the portal).</summary>
    public const int MaxPrefixLength = 64;

    const int MaxMailNicknameLength = 64;

    /// <summary>Names the group for a role.</summary>
    /// <param name="prefix">The configured prefix (e.g. the MSP's short name).</param>
    /// <param name="role">The role the group carries.</param>
    /// <returns>The group's names.</returns>
    public static PartnerGroupName For(string prefix, EntraRole role)
    {
        ArgumentNullException.ThrowIfNull(role);
        if (!IsValidPrefix(prefix, out string? problem))
        {
            throw new ArgumentException(problem, nameof(prefix));
        }

        string displayName = $"{prefix.Trim()} GDAP-{role.Name}";
        StringBuilder nickname = new();
        foreach (char c in displayName.Where(char.IsAsciiLetterOrDigit))
        {
            nickname.Append(c);
        }

        string mailNickname = nickname.Length <= MaxMailNicknameLength ? nickname.ToString() : nickname.ToString(0, MaxMailNicknameLength);
        return new PartnerGroupName(displayName, mailNickname);
    }

    /// <summary>Checks a configured prefix.</summary>
    /// <param name="prefix">The prefix.</param>
    /// <param name="problem">Why it cannot be used.</param>
    /// <returns>Whether the prefix can be used.</returns>
    public static bool IsValidPrefix(string? prefix, [System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? problem)
    {
        problem = string.IsNullOrWhiteSpace(prefix) ? "The group prefix is required."
            : prefix.Trim().Length > MaxPrefixLength ? $"The group prefix must be at most {MaxPrefixLength} characters."
            : !prefix.Any(char.IsAsciiLetterOrDigit) ? "The group prefix needs at least one ASCII letter or digit (it seeds the groups' mail nickname)."
            : prefix.Any(char.IsControl) ? "The group prefix must not contain control characters."
            : null;
        return problem is null;
    }
}
