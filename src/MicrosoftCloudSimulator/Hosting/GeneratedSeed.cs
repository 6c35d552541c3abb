using System.Text.Json.Nodes;

namespace MicrosoftCloudSimulator.Hosting;

/// <summary>
/// The shipped seed (the partner and its four customers, each with its own story) plus as many plain customers as a
/// fleet test or a benchmark needs.
/// </summary>
public static class GeneratedSeed
{
    /// <summary>The tenant ID of generated customer <paramref name="number"/> (from 1).</summary>
    /// <param name="number">The customer's number.</param>
    /// <returns>A stable tenant ID.</returns>
    public static Guid Customer(int number) => Guid.Parse($"b0000000-0000-4000-8000-{number:D12}");

    /// <summary>The generated customers' tenant IDs, in order.</summary>
    public static IEnumerable<Guid> Customers => Enumerable.Range(1, int.MaxValue).Select(Customer);

    /// <summary>The seed JSON: the shipped seed and <paramref name="customers"/> more customers, each with a Global Administrator.</summary>
    /// <param name="customers">How many customers to add.</param>
    /// <returns>Seed JSON for <see cref="Simulator.StartAsync"/>.</returns>
    public static string With(int customers)
    {
        JsonObject seed = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "seed.json")))!.AsObject();
        JsonArray all = seed["customers"]!.AsArray();
        foreach (JsonNode generated in Enumerable.Range(1, customers).Select(i => (JsonNode)new JsonObject
        {
            ["tenantId"] = Customer(i).ToString(),
            ["displayName"] = $"Generated Customer {i:D4}",
            ["domain"] = $"generatedcustomer{i:D4}.onmicrosoft.com",
            ["licenses"] = new JsonArray("O365_BUSINESS_PREMIUM"),
            ["users"] = new JsonArray(new JsonObject
            {
                ["id"] = Guid.Parse($"b1000000-1111-4000-8000-{i:D12}").ToString(),
                ["userPrincipalName"] = $"admin@generatedcustomer{i:D4}.onmicrosoft.com",
                ["displayName"] = "Global Admin",
            }),
        }))
        {
            all.Add(generated);
        }

        return seed.ToJsonString();
    }
}
