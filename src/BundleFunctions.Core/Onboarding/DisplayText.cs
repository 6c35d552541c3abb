using System.Globalization;

namespace BundleFunctions.Onboarding;

/// <summary>
/// Names people read — customer names, relationship names, organization IDs — hold only what shows: no control characters,
/// no format characters (bidirectional overrides such as U+202E and zero-width characters let "Contoso" hide something
/// else in a list or an audit trail), no line or paragraph separators, no private-use or unpaired surrogate code units.
/// </summary>
public static class DisplayText
{
    /// <summary>The first character that does not show, or null when every one does.</summary>
    /// <param name="text">The text.</param>
    /// <returns>A description such as <c>U+202E</c>, or null.</returns>
    public static string? FirstHiddenCharacter(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++; // a whole supplementary character (an emoji, a CJK extension) shows
                continue;
            }

            if (char.GetUnicodeCategory(text[i]) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate)
            {
                return $"U+{(int)text[i]:X4}";
            }
        }

        return null;
    }
}
