using System.Text.Json;

namespace BundleFunctions.LocalHost.Durable;

/// <summary>
/// Reads the <c>Values</c> of a Functions <c>local.settings.json</c> into configuration, so the LocalHost and the Functions
/// app are configured by the same file. <c>A__B</c> keys become <c>A:B</c>, as environment variables do.
/// </summary>
public static class FunctionsLocalSettings
{
    /// <summary>The file name Functions uses.</summary>
    public const string FileName = "local.settings.json";

    /// <summary>Adds the first <c>local.settings.json</c> found in the working directory or above it (up to the repository root).</summary>
    /// <param name="configuration">The configuration to add to.</param>
    /// <returns>The configuration.</returns>
    public static IConfigurationBuilder AddFunctionsLocalSettings(this IConfigurationBuilder configuration)
    {
        for (DirectoryInfo? dir = new(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            string path = Path.Combine(dir.FullName, FileName);
            if (File.Exists(path))
            {
                return configuration.AddInMemoryCollection(Read(path));
            }

            if (File.Exists(Path.Combine(dir.FullName, "BundleFunctions.sln")))
            {
                break;
            }
        }

        return configuration;
    }

    static Dictionary<string, string?> Read(string path)
    {
        using JsonDocument settings = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        return settings.RootElement.TryGetProperty("Values", out JsonElement values)
            ? values.EnumerateObject().ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.ToString())
            : [];
    }
}
