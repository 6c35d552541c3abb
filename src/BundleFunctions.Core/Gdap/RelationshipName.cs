using System.Text;

namespace BundleFunctions.Gdap;

/// <summary>
/// Names a relationship when the caller does not: short, readable in Partner Center's list, and unique among the partner's
/// relationships (Graph refuses a duplicate <c>displayName</c>).
/// </summary>
public static class RelationshipName
{
    /// <summary>What every default name ends with.</summary>
    public const string Suffix = "-GDAP";

    const int MaxStemLength = 12;

    /// <summary>
    /// The default name for a customer: the initials of a multi-word name (<c>Contoso Pharma Ltd</c> → <c>CPL-GDAP</c>),
    /// or a single word cut to twelve characters (<c>Fabrikam</c> → <c>Fabrikam-GDAP</c>).
    /// </summary>
    /// <param name="customerName">The customer's display name.</param>
    /// <returns>A name of at most 50 characters; <c>Customer-GDAP</c> when the name has no letters or digits.</returns>
    public static string DefaultFor(string customerName)
    {
        string[] words = (customerName ?? string.Empty)
            .Split(c => !char.IsLetterOrDigit(c))
            .ToArray();

        string stem = words.Length switch
        {
            0 => "Customer",
            1 => words[0].Length <= MaxStemLength ? words[0] : words[0][..MaxStemLength],
            _ => new string(words.Select(w => char.ToUpperInvariant(w[0])).Take(MaxStemLength).ToArray()),
        };

        return stem + Suffix;
    }

    /// <summary>
    /// Returns <paramref name="name"/> if no relationship has it yet, else the first free name of <see cref="Candidates"/>.
    /// Comparison ignores case, as Partner Center shows names case-insensitively.
    /// </summary>
    /// <param name="name">The wanted name.</param>
    /// <param name="takenNames">Names of the partner's existing relationships.</param>
    /// <param name="customerTenantId">The customer, whose ID seeds the suffix so a rerun picks the same name.</param>
    /// <returns>A name not in <paramref name="takenNames"/>.</returns>
    public static string MakeUnique(string name, IEnumerable<string> takenNames, Guid customerTenantId)
    {
        HashSet<string> taken = new(takenNames, StringComparer.OrdinalIgnoreCase);
        return Candidates(name, customerTenantId).First(candidate => !taken.Contains(candidate));
    }

    /// <summary>
    /// The names to try, in order: <paramref name="name"/> itself, then with a short deterministic suffix taken from the
    /// customer tenant ID (<c>CPL-GDAP-1a2b</c>), then numbered (<c>CPL-GDAP-1a2b-2</c>, …). Each fits in 50 characters.
    /// The same customer always gets the same sequence, so a rerun finds the name an earlier run chose.
    /// </summary>
    /// <param name="name">The wanted name.</param>
    /// <param name="customerTenantId">The customer.</param>
    /// <returns>An endless sequence of distinct names.</returns>
    public static IEnumerable<string> Candidates(string name, Guid customerTenantId)
    {
        yield return name;
        string tag = customerTenantId.ToString("N")[..4];
        for (int attempt = 1; ; attempt++)
        {
            string suffix = attempt == 1 ? $"-{tag}" : $"-{tag}-{attempt}";
            string stem = name.Length + suffix.Length <= RelationshipRules.MaxDisplayNameLength
                ? name
                : name[..(RelationshipRules.MaxDisplayNameLength - suffix.Length)];
            yield return stem + suffix;
        }
    }

    static string[] Split(this string text, Func<char, bool> isSeparator)
    {
        List<string> words = [];
        StringBuilder current = new();
        foreach (char c in text)
        {
            if (isSeparator(c))
            {
                Flush();
            }
            else
            {
                current.Append(c);
            }
        }

        Flush();
        return [.. words];

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }
}
