using System.Text.Json.Nodes;

namespace BundleFunctions.Benchmarks;

/// <summary>The simulator's seed with the partner as shipped and as many plain customers as the benchmark needs.</summary>
public static class BenchSeed
{
    public static readonly Guid Partner = Guid.Parse("7f5b1c2e-0000-4a6b-9c1d-5e2f3a4b5c6d");
    public static readonly Guid App = Guid.Parse("b7a1c3e5-3333-4a6b-9c1d-000000000001");

    /// <summary>The generated customers' tenant IDs, in order.</summary>
    public static IEnumerable<Guid> Customers => Enumerable.Range(1, int.MaxValue).Select(Customer);

    public static string With(int customers)
    {
        JsonObject seed = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seed.json")))!.AsObject();
        seed["customers"] = new JsonArray([.. Enumerable.Range(1, customers).Select(i => (JsonNode)new JsonObject
        {
            ["tenantId"] = Customer(i).ToString(),
            ["displayName"] = $"Bench Customer {i:D3}",
            ["domain"] = $"benchcustomer{i:D3}.onmicrosoft.com",
            ["licenses"] = new JsonArray("O365_BUSINESS_PREMIUM"),
            ["users"] = new JsonArray(new JsonObject
            {
                ["id"] = Guid.Parse($"b1000000-1111-4000-8000-{i:D12}").ToString(),
                ["userPrincipalName"] = $"admin@benchcustomer{i:D3}.onmicrosoft.com",
                ["displayName"] = "Global Admin",
            }),
        })]);
        return seed.ToJsonString();
    }

    static Guid Customer(int i) => Guid.Parse($"b0000000-0000-4000-8000-{i:D12}");
}
