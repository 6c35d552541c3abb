using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Benchmarks;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using MicrosoftCloudSimulator.Hosting;

// How fast BundleFunctions reacts and how it scales, measured end to end: an external system's HTTP calls to the
// LocalHost (the same workflows as the Functions app, durable on Azurite), Microsoft played by the simulator.
//   dotnet run --project bench/BundleFunctions.Benchmarks -c Release -- [--customers 20] [--samples 5]
//   … -- --fleet 1000 [--concurrency 10] [--minutes 30]: a book of customers imported and batch-onboarded (FleetBenchmark)
if (Option(args, "--fleet", 0) is > 0 and int fleet)
{
    // --set Name=Value (repeatable) passes a LocalHost setting, e.g. --set LocalHost__ExtendedSessions=true.
    Dictionary<string, string> settings = args.Select((a, i) => (a, i)).Where(x => x.a == "--set" && x.i + 1 < args.Length)
        .Select(x => args[x.i + 1].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : string.Empty);
    return await FleetBenchmark.RunAsync(fleet, Option(args, "--concurrency", 10), TimeSpan.FromMinutes(Option(args, "--minutes", 30)), settings);
}

int bulk = Option(args, "--customers", 20);
int samples = Option(args, "--samples", 5);
Console.WriteLine($"BundleFunctions benchmark: {samples} single onboardings, then {bulk} at once ({Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");

await using Simulator simulator = await Simulator.StartAsync(["--Simulator:Port=0", "--Logging:LogLevel:Default=Warning"], seedJson: GeneratedSeed.With(samples + bulk));
MicrosoftCloudOptions cloud = BenchCloud.Options(simulator);
using MicrosoftCloudConnection connection = new(cloud);
using HttpClient sim = new(connection.CreateHandler()) { BaseAddress = simulator.BaseAddress };
using LocalHostUnderTest host = await LocalHostUnderTest.StartAsync(cloud, simulator);
BenchClient api = new(host.Api, sim);
await api.RegisterWebhookAsync(host.WebhookUrl);

// 1. One customer at a time: how long each stage takes, and how soon the signed webhook moves the onboarding on.
List<double> toInvitation = [], reaction = [], toFirstAssignment = [], approvalToGreen = [];
foreach (Guid customer in GeneratedSeed.Customers.Take(samples))
{
    Stopwatch started = Stopwatch.StartNew();
    string id = await api.StartAsync(customer);
    JsonObject waiting = await api.UntilAsync(id, "waitingForCustomer");
    toInvitation.Add(started.Elapsed.TotalSeconds);
    DateTimeOffset approvedAt = await api.ApproveAsync(waiting, customer);
    JsonObject green = await api.UntilAsync(id, "succeeded");
    reaction.Add((BenchClient.StepCompleted(green, "awaitCustomerApproval") - approvedAt).TotalSeconds);
    toFirstAssignment.Add((await api.FirstAssignmentAsync(green) - approvedAt).TotalSeconds);
    approvalToGreen.Add((DateTimeOffset.Parse(green["updatedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture) - approvedAt).TotalSeconds);
}

// 2. Many customers at once, as an MSP bringing over a whole book of business.
await sim.DeleteAsync("_sim/stats");
Guid[] batch = [.. GeneratedSeed.Customers.Skip(samples).Take(bulk)];
Stopwatch all = Stopwatch.StartNew();
string[] ids = await Task.WhenAll(batch.Select(api.StartAsync));
JsonObject[] invited = await Task.WhenAll(ids.Select(id => api.UntilAsync(id, "waitingForCustomer")));
double allInvited = all.Elapsed.TotalSeconds;
Stopwatch afterApproval = Stopwatch.StartNew();
await Task.WhenAll(invited.Zip(batch).Select(p => api.ApproveAsync(p.First, p.Second)));
JsonObject[] done = await Task.WhenAll(ids.Select(id => api.UntilAsync(id, "succeeded")));
double allGreen = afterApproval.Elapsed.TotalSeconds;
JsonObject stats = (await sim.GetFromJsonAsync<JsonObject>("_sim/stats"))!;
JsonObject state = (await sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
int requests = stats["total"]!.GetValue<int>();
int posts = stats["requests"]!.AsObject().Where(r => r.Key.StartsWith("POST", StringComparison.Ordinal)).Sum(r => r.Value!.GetValue<int>());
int groups = state["partner"]!["groups"]!.AsArray().Count(g => g!["displayName"]!.GetValue<string>().StartsWith("Bench GDAP-", StringComparison.Ordinal));
double[] groupSteps = [.. done.Select(d => BenchClient.StepSeconds(d, "ensurePartnerGroups"))];
double[] relationshipSteps = [.. done.Select(d => BenchClient.StepSeconds(d, "createRelationship"))];

Console.WriteLine();
Console.WriteLine("One customer at a time (seconds; median, worst)");
Row("start → approval link ready", toInvitation);
Row("customer approval → onboarding moves on (webhook)", reaction);
Row("customer approval → first access assignment", toFirstAssignment);
Row("customer approval → green shield", approvalToGreen);
Console.WriteLine();
Console.WriteLine($"{bulk} customers at once");
Console.WriteLine($"  all approval links ready          {allInvited,8:0.0} s   ({allInvited / Median(toInvitation),5:0.0}× one customer's {Median(toInvitation):0.0} s)");
Console.WriteLine($"  all green after approval          {allGreen,8:0.0} s   ({allGreen / Median(approvalToGreen),5:0.0}× one customer's {Median(approvalToGreen):0.0} s, for {bulk}× the work)");
Console.WriteLine($"  groups step, median / worst       {Median(groupSteps),8:0.0} s / {groupSteps.Max():0.0} s (one onboarding at a time per group prefix)");
Console.WriteLine($"  relationship step, median / worst {Median(relationshipSteps),8:0.0} s / {relationshipSteps.Max():0.0} s (create, lock, wait until approvable)");
Console.WriteLine($"  partner groups in Entra           {groups,8}     (12 expected: one set shared by all)");
Console.WriteLine($"  Microsoft requests per customer   {(double)requests / bulk,8:0.0}     ({(double)posts / bulk:0.0} of them POSTs)");
Console.WriteLine();
Console.WriteLine($"Reaction vs polling: the webhook moved an onboarding on {Median(reaction):0.00} s after approval (median); the polling safety net's first look comes after 60 s in production: {60 / Median(reaction):0}× later.");
Console.WriteLine("(Included in the reaction: the simulated activation, 0.5 s, and the LocalHost's idle queue polling, at most 1 s; host.json sets 5 s for Azure.)");
return groups == 12 ? 0 : 1;

static void Row(string what, List<double> values) => Console.WriteLine($"  {what,-50} {Median(values),6:0.00}  {values.Max(),6:0.00}");

static double Median(IEnumerable<double> values)
{
    double[] sorted = [.. values.Order()];
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static int Option(string[] args, string name, int fallback)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out int value) && value > 0 ? value : fallback;
}
