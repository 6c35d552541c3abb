using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Gdap;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Benchmarks;

/// <summary>
/// A whole book of customers brought under management, as the fleet issue's goals state it: the book imported, every
/// customer batch-onboarded (covered ones adopted, the others asked for a new relationship, which the simulated customer
/// approves as soon as it is approvable), all green within 10 minutes for 1,000 customers; approval → first access
/// assignment p95 ≤ 5 s meanwhile; Microsoft writes per customer at the minimum; and the storage requests each onboarding
/// costs, counted on the wire between the LocalHost and Azurite.
/// </summary>
public static class FleetBenchmark
{
    public static async Task<int> RunAsync(int customers, int concurrency, TimeSpan limit, IReadOnlyDictionary<string, string>? settings = null)
    {
        Console.WriteLine($"BundleFunctions fleet benchmark: {customers} customers, batch concurrency {concurrency} ({Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        await using StorageTrafficCounter storage = StorageTrafficCounter.Start();
        await using Simulator simulator = await Simulator.StartAsync(
            ["--Simulator:Port=0", "--Logging:LogLevel:Default=Warning"], seedJson: GeneratedSeed.Fleet(customers, [.. RoleTemplate.Default.Roles.Select(r => r.TemplateId)]));
        MicrosoftCloudOptions cloud = BenchCloud.Options(simulator);
        using MicrosoftCloudConnection connection = new(cloud);
        using HttpClient sim = new(connection.CreateHandler()) { BaseAddress = simulator.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using LocalHostUnderTest host = await LocalHostUnderTest.StartAsync(cloud, simulator, new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = storage.ConnectionString,
            ["BundleData"] = storage.ConnectionString,
            ["Workflow__BatchConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
            ["Workflow__BatchPoll"] = "00:00:02",
        }.Concat(settings ?? new Dictionary<string, string>()).ToDictionary());
        await new BenchClient(host.Api, sim).RegisterWebhookAsync(host.WebhookUrl);

        Stopwatch clock = Stopwatch.StartNew();
        JsonObject imported = await PostAsync(host.Api, "api/customers/import");
        double importSeconds = clock.Elapsed.TotalSeconds;
        JsonObject byVerdict = imported["byVerdict"]!.AsObject();
        Console.WriteLine($"  imported {imported["customers"]} customers in {importSeconds:0.0} s: {byVerdict.ToJsonString()}");

        storage.Reset();
        (await sim.DeleteAsync("_sim/stats")).EnsureSuccessStatusCode();
        List<string> batches = [];
        foreach (string verdict in new[] { "covered", "needsNewRelationship" }.Where(v => byVerdict[v]?.GetValue<int>() > 0))
        {
            HttpResponseMessage submitted = await host.Api.PostAsJsonAsync("api/onboarding-batches", new { verdict });
            batches.Add(submitted.Headers.Location?.OriginalString.TrimStart('/') ?? throw new InvalidOperationException(await submitted.Content.ReadAsStringAsync()));
        }

        int total = (byVerdict["covered"]?.GetValue<int>() ?? 0) + (byVerdict["needsNewRelationship"]?.GetValue<int>() ?? 0);
        ConcurrentDictionary<string, DateTimeOffset> approvedAt = new();
        int green = 0, failed = 0;
        DateTime nextReport = DateTime.UtcNow.AddSeconds(30);
        while (clock.Elapsed < limit)
        {
            JsonArray relationships = (await sim.GetFromJsonAsync<JsonObject>("_sim/state"))!["relationships"]!.AsArray();
            string[] approvable = [.. relationships
                .Where(r => r!["status"]!.GetValue<string>() == "approvalPending" && !approvedAt.ContainsKey(r["id"]!.GetValue<string>()))
                .Select(r => $"{r!["id"]!.GetValue<string>()}|{r["customerTenantId"]!.GetValue<string>()}")];
            await Parallel.ForEachAsync(approvable, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (pair, _) =>
            {
                string[] parts = pair.Split('|');
                approvedAt[parts[0]] = DateTimeOffset.UtcNow;
                (await sim.PostAsJsonAsync($"_sim/relationships/{parts[0]}/approve", new { customerTenantId = parts[1] })).EnsureSuccessStatusCode();
            });

            JsonObject?[] reports = await Task.WhenAll(batches.Select(b => host.Api.GetFromJsonAsync<JsonObject>(b)));
            green = reports.Sum(r => r!["byShield"]!["green"]?.GetValue<int>() ?? 0);
            failed = reports.Sum(r => r!["byStatus"]!["failed"]?.GetValue<int>() ?? 0);
            if (green + failed >= total && reports.All(r => r!["status"]!.GetValue<string>() == "completed"))
            {
                break;
            }

            if (DateTime.UtcNow >= nextReport)
            {
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:0} s: {green} green, {failed} failed, {approvedAt.Count} approved, {string.Join(", ", reports.Select(r => r!["byStatus"]!.ToJsonString()))}");
                nextReport = DateTime.UtcNow.AddSeconds(30);
            }

            await Task.Delay(2000);
        }

        double allGreen = clock.Elapsed.TotalSeconds;
        JsonObject stats = (await sim.GetFromJsonAsync<JsonObject>("_sim/stats"))!;
        JsonArray final = (await sim.GetFromJsonAsync<JsonObject>("_sim/state"))!["relationships"]!.AsArray();
        double[] toFirstAssignment = [.. final
            .Where(r => approvedAt.ContainsKey(r!["id"]!.GetValue<string>()) && r["accessAssignments"]!.AsArray().Count > 0)
            .Select(r => (r!["accessAssignments"]!.AsArray().Min(a => a!["createdDateTime"]!.GetValue<DateTimeOffset>()) - approvedAt[r["id"]!.GetValue<string>()]).TotalSeconds)
            .Order()];
        Dictionary<string, int> requests = stats["requests"]!.AsObject().ToDictionary(r => r.Key, r => r.Value!.GetValue<int>());
        int writes = requests.Where(r => !r.Key.StartsWith("GET", StringComparison.Ordinal)).Sum(r => r.Value);
        int reads = requests.Where(r => r.Key.StartsWith("GET", StringComparison.Ordinal)).Sum(r => r.Value);
        IReadOnlyDictionary<string, int> traffic = storage.Counts;
        int storageRequests = traffic.Values.Sum();
        int onboarded = Math.Max(1, green);

        Console.WriteLine();
        Console.WriteLine($"{customers} customers: {total} onboarded by two batches ({byVerdict["covered"]?.GetValue<int>() ?? 0} covered, adopted; the rest asked for a new relationship)");
        Console.WriteLine($"  import                                {importSeconds,8:0.0} s");
        Console.WriteLine($"  all green (import → last green)       {allGreen,8:0.0} s   goal {(customers >= 1000 ? 600 : 600.0 * customers / 1000),5:0} s   ratio {allGreen / (customers >= 1000 ? 600 : 600.0 * customers / 1000),5:0.00}   ({green} green, {failed} failed of {total})");
        Console.WriteLine($"  approval → first access assignment    p50 {Percentile(toFirstAssignment, 0.5),6:0.0} s   p95 {Percentile(toFirstAssignment, 0.95),6:0.0} s   goal p95 5 s   ratio {Percentile(toFirstAssignment, 0.95) / 5,5:0.00}   ({toFirstAssignment.Length} approvals)");
        Console.WriteLine($"  Microsoft writes per customer         {(double)writes / onboarded,8:0.0}     goal 15 (27 for the first; fewer when covered)   GETs per customer {(double)reads / onboarded:0.0}");
        Console.WriteLine($"  storage requests per onboarding       {(double)storageRequests / onboarded,8:0.0}     (Azurite; what Azure bills):");
        foreach (IGrouping<string, KeyValuePair<string, int>> service in traffic.GroupBy(t => t.Key.Split(' ')[0]).OrderByDescending(g => g.Sum(t => t.Value)))
        {
            Console.WriteLine($"    {service.Key,-6} {(double)service.Sum(t => t.Value) / onboarded,8:0.0}   {string.Join(", ", service.OrderByDescending(t => t.Value).Take(5).Select(t => $"{t.Key[(service.Key.Length + 1)..]} {(double)t.Value / onboarded:0.0}"))}");
        }

        // The shipped seed's Northwind Traders blocks service provider users by Conditional Access, as some customers do:
        // its onboarding fails at consent with the fix, by design. Any other failure is the product's.
        int blocked = 0;
        foreach (JsonObject? batch in await Task.WhenAll(batches.Select(b => host.Api.GetFromJsonAsync<JsonObject>(b))))
        {
            foreach (JsonNode? line in batch!["customers"]!.AsArray().Where(c => c!["status"]?.GetValue<string>() is "failed"))
            {
                JsonObject onboarding = (await host.Api.GetFromJsonAsync<JsonObject>(line!["onboarding"]!.GetValue<string>().TrimStart('/')))!;
                string step = onboarding["currentStep"]!.GetValue<string>();
                string message = onboarding["steps"]!.AsArray().Single(x => x!["name"]!.GetValue<string>() == step)!["message"]!.GetValue<string>();
                bool policy = message.StartsWith("Consent is blocked by a Conditional Access policy", StringComparison.Ordinal);
                blocked += policy ? 1 : 0;
                Console.WriteLine($"  failed{(policy ? " (the customer's Conditional Access, as seeded)" : string.Empty)}: {line["customerName"]} at {step}: {message[..Math.Min(160, message.Length)]}");
            }
        }

        return green + blocked == total ? 0 : 1;
    }

    static async Task<JsonObject> PostAsync(HttpClient api, string path)
    {
        HttpResponseMessage response = await api.PostAsync(path, null);
        return response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<JsonObject>())!
            : throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
