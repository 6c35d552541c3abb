using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;

namespace BundleFunctions.Infra.Tests;

/// <summary>The Bicep CLI from the NuGet package (restored by this project), run against infra/.</summary>
public static class Bicep
{
    static readonly Lazy<JsonObject> Compiled = new(() => JsonNode.Parse(Run("build", "main.bicep", "--stdout").Output)!.AsObject());

    /// <summary>The infra/ folder of the repository.</summary>
    public static string InfraDirectory { get; } = FindInfra();

    /// <summary>infra/main.bicep compiled to an ARM template.</summary>
    public static JsonObject Template => Compiled.Value;

    /// <summary>Runs the CLI in infra/ and returns its exit code, its output, and its diagnostics (stderr).</summary>
    public static (int ExitCode, string Output, string Diagnostics) Run(params string[] arguments)
    {
        ProcessStartInfo start = new(CliPath(), arguments)
        {
            WorkingDirectory = InfraDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["BICEP_TELEMETRY_ENABLED"] = "false";
        using Process process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>Every resource of a type, in the template and in every nested (module) template.</summary>
    public static IEnumerable<JsonObject> Resources(string type) => Descendants(Template)
        .Where(o => o["type"]?.GetValue<string>() is string t && string.Equals(t, type, StringComparison.OrdinalIgnoreCase) && o["apiVersion"] is not null);

    /// <summary>Every JSON object in a tree.</summary>
    public static IEnumerable<JsonObject> Descendants(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                yield return o;
                foreach (JsonNode? child in o.Select(p => p.Value))
                {
                    foreach (JsonObject d in Descendants(child))
                    {
                        yield return d;
                    }
                }

                break;
            case JsonArray a:
                foreach (JsonObject d in a.SelectMany(Descendants))
                {
                    yield return d;
                }

                break;
        }
    }

    static string CliPath()
    {
        string path = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException("The Bicep CLI was not restored; run dotnet restore on the Infra.Tests project.", path);
        }

        // NuGet does not keep the executable bit of a package's native binary.
        if (!OperatingSystem.IsWindows() && !File.GetUnixFileMode(path).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(path, File.GetUnixFileMode(path) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return path;
    }

    static string FindInfra()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BundleFunctions.sln")))
            {
                return Path.Combine(dir.FullName, "infra");
            }
        }

        throw new InvalidOperationException("The repository root (BundleFunctions.sln) was not found.");
    }
}
