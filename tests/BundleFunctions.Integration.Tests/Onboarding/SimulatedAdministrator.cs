using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BundleFunctions.Integration.Tests.Onboarding;

/// <summary>The customer's administrator at the simulated Entra: opens an admin-consent link and answers it.</summary>
public static partial class SimulatedAdministrator
{
    /// <summary>Opens <paramref name="link"/> and answers (<c>approve</c>, <c>decline</c>, <c>notAdmin</c>); returns where Entra redirects the browser.</summary>
    public static async Task<Uri> AnswerAsync(HttpClient simulator, Uri link, string answer)
    {
        string request = RequestId().Match(await simulator.GetStringAsync(link)).Groups[1].Value;
        HttpResponseMessage answered = (await simulator.PostAsJsonAsync($"_sim/admin-consent/{request}", new { answer })).EnsureSuccessStatusCode();
        return new Uri((await answered.Content.ReadFromJsonAsync<JsonObject>())!["redirect"]!.GetValue<string>());
    }

    [GeneratedRegex("<p id=\"request\">([0-9a-f-]{36})</p>")]
    private static partial Regex RequestId();
}
