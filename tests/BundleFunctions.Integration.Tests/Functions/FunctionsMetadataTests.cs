using System.Text.Json;
using BundleFunctions.Orchestrators;
using Microsoft.DurableTask;

namespace BundleFunctions.Integration.Tests.Functions;

/// <summary>
/// The Functions app declares its triggers in <c>functions.metadata</c>, written at build time from the hand-written wrappers.
/// These tests read that file (from <c>FUNCTIONS_PUBLISH_DIR</c> when ./test.sh has published, else the build output), so a
/// workflow added to Core without its wrapper fails here instead of in Azure.
/// </summary>
public sealed class FunctionsMetadataTests
{
    static readonly Lazy<Dictionary<string, string[]>> Declared = new(ReadMetadata);

    [Fact]
    public void Every_orchestrator_in_core_has_an_orchestration_trigger()
    {
        Assert.All(CoreTasks(typeof(ITaskOrchestrator)), name => Assert.Equal(["orchestrationTrigger"], Declared.Value[name]));
    }

    [Fact]
    public void Every_activity_in_core_has_an_activity_trigger()
    {
        // Besides its trigger an activity may bind only the Durable client (Functions gives it by binding, never through DI).
        Assert.All(CoreTasks(typeof(ITaskActivity)), name => Assert.Equal("activityTrigger", Declared.Value[name][0]));
        Assert.All(CoreTasks(typeof(ITaskActivity)), name => Assert.All(Declared.Value[name].Skip(1), binding => Assert.Equal("durableClient", binding)));
    }

    [Fact]
    public void The_health_endpoint_is_an_http_trigger()
    {
        Assert.Equal(["httpTrigger", "http"], Declared.Value["Health"]);
    }

    [Fact]
    public void Every_documented_route_is_an_http_trigger_of_the_functions_app_with_the_documented_auth()
    {
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsOutput(), "functions.metadata")));
        HashSet<string> triggers = [.. metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m =>
                $"{m.GetString()!.ToUpperInvariant()} /api/{b.GetProperty("route").GetString()} {(b.GetProperty("authLevel").GetString() == "Function" ? "keyed" : "open")}"))];

        System.Text.Json.Nodes.JsonObject document = BundleFunctions.Api.OpenApiDocument.Value;
        HashSet<string> documented = [.. document["paths"]!.AsObject().SelectMany(path => path.Value!.AsObject().Select(op =>
            $"{op.Key.ToUpperInvariant()} {path.Key} {(op.Value!["security"] is null ? "open" : "keyed")}"))];

        Assert.Equal(documented.Order(), triggers.Order());
    }

    [Fact]
    public void The_published_host_json_names_the_task_hub_from_an_app_setting()
    {
        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsOutput(), "host.json")));
        Assert.Equal("%TASKHUB_NAME%", host.RootElement.GetProperty("extensions").GetProperty("durableTask").GetProperty("hubName").GetString());
    }

    static IEnumerable<string> CoreTasks(Type kind) =>
        typeof(BundleWorkflows).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsClass: true } && kind.IsAssignableFrom(t))
            .Select(RegisteredName);

    /// <summary>An orchestrator is registered by its <c>Name</c> constant, an activity by its class name.</summary>
    static string RegisteredName(Type task) => task.GetField("Name")?.GetValue(null) as string ?? task.Name;

    static Dictionary<string, string[]> ReadMetadata()
    {
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(FunctionsOutput(), "functions.metadata")));
        return metadata.RootElement.EnumerateArray().ToDictionary(
            f => f.GetProperty("name").GetString()!,
            f => f.GetProperty("bindings").EnumerateArray().Select(b => b.GetProperty("type").GetString()!).ToArray());
    }

    static string FunctionsOutput()
    {
        if (Environment.GetEnvironmentVariable("FUNCTIONS_PUBLISH_DIR") is { Length: > 0 } published)
        {
            return published;
        }

        return RepositoryRoot.Combine("src", "BundleFunctions", "bin", RepositoryRoot.Configuration, "net10.0");
    }
}
