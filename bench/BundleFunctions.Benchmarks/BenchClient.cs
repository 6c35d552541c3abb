using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace BundleFunctions.Benchmarks;

/// <summary>What an external system does over HTTP, plus the simulated customer's approval.</summary>
/// <param name="api">The LocalHost API, with the key.</param>
/// <param name="sim">The simulator, trusted by its pinned certificate.</param>
public sealed class BenchClient(HttpClient api, HttpClient sim)
{
    /// <summary>Registers the receiver as an administrator does: signed in (the seeded Automation system, Administrator role).</summary>
    public async Task RegisterWebhookAsync(Uri url)
    {
        HttpResponseMessage issued = await sim.PostAsync("7f5b1c2e-0000-4a6b-9c1d-5e2f3a4b5c6d/oauth2/v2.0/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = "b7a1c3e5-6666-4a6b-9c1d-000000000003",
            ["client_secret"] = "sim-only-automation-secret",
            ["scope"] = "api://b7a1c3e5-5555-4a6b-9c1d-000000000001/.default",
        }));
        string token = (await issued.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
        using HttpRequestMessage register = new(HttpMethod.Post, "api/webhooks/partner-center/registration") { Content = JsonContent.Create(new { webhookUrl = url }) };
        register.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        (await api.SendAsync(register)).EnsureSuccessStatusCode();
    }

    public async Task<string> StartAsync(Guid customer)
    {
        HttpResponseMessage response = await api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = $"Bench {customer.ToString()[^3..]}" });
        return response.StatusCode == HttpStatusCode.Accepted
            ? response.Headers.Location!.OriginalString.Split('/')[^1]
            : throw new InvalidOperationException($"Start refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Polls the status every 100 ms, as a caller following Retry-After closely would.</summary>
    public async Task<JsonObject> UntilAsync(string id, string status)
    {
        for (DateTime limit = DateTime.UtcNow.AddMinutes(3); DateTime.UtcNow < limit; await Task.Delay(100))
        {
            JsonObject document = (await api.GetFromJsonAsync<JsonObject>($"api/onboardings/{id}"))!;
            string now = document["status"]!.GetValue<string>();
            if (now == status)
            {
                return document;
            }

            if (now is "failed" or "cancelled")
            {
                throw new InvalidOperationException($"{id} {now}: {document.ToJsonString()}");
            }
        }

        throw new TimeoutException($"{id} did not reach {status} within 3 minutes.");
    }

    /// <summary>The customer's Global Administrator approves; returns when they did.</summary>
    public async Task<DateTimeOffset> ApproveAsync(JsonObject waiting, Guid customer)
    {
        DateTimeOffset at = DateTimeOffset.UtcNow;
        (await sim.PostAsJsonAsync($"_sim/relationships/{waiting["relationshipId"]!.GetValue<string>()}/approve", new { customerTenantId = customer })).EnsureSuccessStatusCode();
        return at;
    }

    public async Task<DateTimeOffset> FirstAssignmentAsync(JsonObject onboarding)
    {
        JsonObject state = (await sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        return state["relationships"]!.AsArray().Single(r => r!["id"]!.GetValue<string>() == onboarding["relationshipId"]!.GetValue<string>())!["accessAssignments"]!
            .AsArray().Min(a => a!["createdDateTime"]!.GetValue<DateTimeOffset>());
    }

    public static DateTimeOffset StepCompleted(JsonObject onboarding, string step) =>
        DateTimeOffset.Parse(Step(onboarding, step)["completedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture);

    public static double StepSeconds(JsonObject onboarding, string step) =>
        (StepCompleted(onboarding, step) - DateTimeOffset.Parse(Step(onboarding, step)["startedAt"]!.GetValue<string>(), CultureInfo.InvariantCulture)).TotalSeconds;

    static JsonNode Step(JsonObject onboarding, string step) => onboarding["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == step)!;
}
