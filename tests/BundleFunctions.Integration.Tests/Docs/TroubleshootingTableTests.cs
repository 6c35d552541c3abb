using System.Text.RegularExpressions;

namespace BundleFunctions.Integration.Tests.Docs;

/// <summary>
/// The README's troubleshooting table quotes what the product says; each quoted message must be asserted word for word by
/// some test, so the table cannot promise a message nothing produces. Placeholders (…, N, X, a number of hours or days
/// that production settings give) split a quote into the fragments that must appear.
/// </summary>
public sealed partial class TroubleshootingTableTests
{
    [Fact]
    public void Every_message_the_troubleshooting_table_quotes_is_asserted_by_a_test()
    {
        string readme = File.ReadAllText(RepositoryRoot.Combine("README.md"));
        int start = readme.IndexOf("## Troubleshooting", StringComparison.Ordinal);
        string table = readme[start..readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        string tests = string.Concat(Directory.EnumerateFiles(RepositoryRoot.Combine("tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText));

        string[] rows = [.. table.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| You see", StringComparison.Ordinal))];
        string[] fragments = [.. rows
            .SelectMany(row => Quote().Matches(row.Split(" | ")[0]).Select(m => m.Groups["text"].Value))
            .SelectMany(quote => Placeholder().Split(quote))
            .Select(f => f.Trim().Trim(':').Trim())
            .Where(f => f.Length >= 12 && f.Contains(' ', StringComparison.Ordinal))];

        Assert.True((rows.Length, fragments.Length) is (> 30, > 50), "the table or its quotes were not found");
        string[] unasserted = [.. fragments.Where(f => !tests.Contains(f, StringComparison.Ordinal))];
        Assert.Empty(unasserted);
    }

    [GeneratedRegex("\"(?<text>[^\"]*)\"")]
    private static partial Regex Quote();

    [GeneratedRegex(@"…|(?:^|\s)[NX](?=\s)|\d+ (?:hours|days|minutes|seconds)\b")]
    private static partial Regex Placeholder();
}
