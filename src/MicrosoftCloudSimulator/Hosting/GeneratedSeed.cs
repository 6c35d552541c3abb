using System.Text.Json;
using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.State;

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
    /// <param name="relationships">The relationships customer N (from 1) already has with the partner; none when null.</param>
    /// <returns>Seed JSON for <see cref="Simulator.StartAsync"/>.</returns>
    public static string With(int customers, Func<int, IEnumerable<SeedRelationship>>? relationships = null)
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
            ["relationships"] = JsonSerializer.SerializeToNode((relationships?.Invoke(i) ?? []).ToList(), new JsonSerializerOptions(JsonSerializerDefaults.Web)),
        }))
        {
            all.Add(generated);
        }

        return seed.ToJsonString();
    }

    /// <summary>
    /// The roles of the relationships Microsoft's DAP-to-GDAP transition tool made (<c>MLT_…</c>, two years): Directory
    /// Readers and Writers, License, Service Support, User, Privileged Role, Helpdesk and Privileged Authentication
    /// Administrator (learn.microsoft.com/partner-center/customers/gdap-microsoft-led-transition; template IDs from the Entra
    /// permissions reference).
    /// </summary>
    public static readonly Guid[] MicrosoftLedTransitionRoles =
    [
        DirectoryRoles.DirectoryReaders,
        Guid.Parse("9360feb5-f418-4baa-8175-e2a00bac4301"), // Directory Writers
        Guid.Parse("4d6ac14f-3453-41d0-bef9-a3e0c569773a"), // License Administrator
        Guid.Parse("f023fd81-a637-4b56-95fd-791ac0226033"), // Service Support Administrator
        Guid.Parse("fe930be7-5e62-47db-91af-98c3a49a38b1"), // User Administrator
        DirectoryRoles.PrivilegedRoleAdministrator,
        Guid.Parse("729827e3-9c14-49f7-bb1b-9608f156bbb8"), // Helpdesk Administrator
        Guid.Parse("7be44c8a-adaf-4e2a-84d6-ab2649e08a13"), // Privileged Authentication Administrator
    ];

    /// <summary>What customer N of <see cref="Fleet"/> already has, by N modulo 5.</summary>
    public enum FleetStory
    {
        /// <summary>No relationship with the partner.</summary>
        NoRelationship = 0,

        /// <summary>An active relationship with the roles asked for, 400 days left.</summary>
        Covered = 1,

        /// <summary>An active <c>MLT_</c> relationship with the transition's roles, 300 days left.</summary>
        MicrosoftLed = 2,

        /// <summary>An active relationship with Global Administrator only, 300 days left.</summary>
        GlobalAdministratorOnly = 3,

        /// <summary>An active relationship with the roles asked for, 10 days left, no auto-extend.</summary>
        Expiring = 4,
    }

    /// <summary>The story of fleet customer <paramref name="number"/>.</summary>
    /// <param name="number">The customer's number (from 1).</param>
    /// <returns>What it already has.</returns>
    public static FleetStory StoryOf(int number) => (FleetStory)(number % 5);

    /// <summary>
    /// A book of customers as an MSP brings it over: the shipped seed and <paramref name="customers"/> more, a fifth each with
    /// no relationship, a covering one, a Microsoft-led one, a Global Administrator-only one, and one about to expire.
    /// </summary>
    /// <param name="customers">How many customers to add.</param>
    /// <param name="coveringRoles">The roles of the covering and the expiring relationships (the product's).</param>
    /// <returns>Seed JSON for <see cref="Simulator.StartAsync"/>.</returns>
    public static string Fleet(int customers, IReadOnlyList<Guid> coveringRoles) => With(customers, number => StoryOf(number) switch
    {
        FleetStory.Covered => [new SeedRelationship($"Managed {number:D4}", [.. coveringRoles], DaysLeft: 400)],
        FleetStory.MicrosoftLed => [new SeedRelationship($"MLT_{Customer(number):N}", [.. MicrosoftLedTransitionRoles], DaysLeft: 300)],
        FleetStory.GlobalAdministratorOnly => [new SeedRelationship($"Legacy admin {number:D4}", [DirectoryRoles.GlobalAdministrator], DaysLeft: 300)],
        FleetStory.Expiring => [new SeedRelationship($"Expiring {number:D4}", [.. coveringRoles], DaysLeft: 10)],
        _ => [],
    });
}
