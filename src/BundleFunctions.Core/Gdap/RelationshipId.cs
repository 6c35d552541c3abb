using System.Diagnostics.CodeAnalysis;

namespace BundleFunctions.Gdap;

/// <summary>
/// The ID Graph gives a GDAP relationship. It is <em>not</em> a GUID: Microsoft issues two GUIDs joined by a hyphen
/// (73 characters). Kept as an opaque string so a format change at Microsoft does not break us, but checked to be
/// safe inside a URL path, a Table key and an OData filter.
/// </summary>
public readonly record struct RelationshipId
{
    /// <summary>The longest ID accepted.</summary>
    public const int MaxLength = 128;

    RelationshipId(string value) => this.Value = value;

    /// <summary>The ID as Graph spells it.</summary>
    public string Value { get; }

    /// <summary>Whether the ID has Microsoft's usual form: two GUIDs joined by a hyphen.</summary>
    public bool IsTwoGuidForm =>
        this.Value.Length == 73 && this.Value[36] == '-'
        && Guid.TryParseExact(this.Value[..36], "D", out _) && Guid.TryParseExact(this.Value[37..], "D", out _);

    /// <summary>Reads an ID, refusing anything that could not be one.</summary>
    /// <param name="value">The text.</param>
    /// <param name="id">The ID.</param>
    /// <returns>Whether <paramref name="value"/> is a usable relationship ID.</returns>
    public static bool TryParse([NotNullWhen(true)] string? value, out RelationshipId id)
    {
        id = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            return false;
        }

        id = new RelationshipId(value);
        return true;
    }

    /// <summary>Reads an ID.</summary>
    /// <param name="value">The text.</param>
    /// <returns>The ID.</returns>
    /// <exception cref="FormatException">The text is not a usable relationship ID.</exception>
    public static RelationshipId Parse(string value) =>
        TryParse(value, out RelationshipId id) ? id : throw new FormatException($"'{value}' is not a GDAP relationship ID: expected letters, digits and hyphens, at most {MaxLength} characters.");

    /// <inheritdoc />
    public override string ToString() => this.Value;
}
