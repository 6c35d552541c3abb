using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>
/// Sign-in and roles on the LocalHost: Entra ID tokens for the BundleFunctions API (people and systems) validated against
/// the simulated partner tenant's keys; each route's role enforced; the function key limited to Reader and Operator; the
/// audit's actor taken from the token.
/// </summary>
public sealed class SignInAndRolesTests(PublicApiStack stack) : IClassFixture<PublicApiStack>
{
    static readonly string[] Writes =
    [
        "POST api/onboardings", "POST api/onboardings/consent-all", "POST api/onboarding-batches", "POST api/customers/import",
        "PUT api/customers/organizations", $"POST api/customers/{GeneratedSeed.Customer(7)}/offboard", "POST api/relationships/remove-global-administrator",
        "POST api/webhooks/partner-center/registration",
    ];

    static readonly string[] AdministratorWrites =
    [
        $"POST api/customers/{GeneratedSeed.Customer(7)}/migrate", $"POST api/customers/{GeneratedSeed.Customer(7)}/offboard",
        "POST api/relationships/remove-global-administrator", "POST api/webhooks/partner-center/registration",
    ];

    [Fact]
    public async Task A_reader_sees_everything_and_gets_403_on_every_write()
    {
        using HttpClient rita = SignIn.Client(stack.Api.BaseAddress, await SignIn.PersonTokenAsync(stack.Sim, SignIn.ReaderPerson));

        HttpStatusCode[] reads = [.. await Task.WhenAll(new[] { "api/onboardings", "api/customers", "api/readiness" }.Select(async r => (await rita.GetAsync(r)).StatusCode))];
        List<(string Route, HttpStatusCode Status, string Title)> writes = [];
        foreach (string write in Writes)
        {
            HttpResponseMessage answer = await SendAsync(rita, write);
            writes.Add((write, answer.StatusCode, (await answer.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>()));
        }

        Assert.All(reads, status => Assert.NotEqual(HttpStatusCode.Unauthorized, status));
        Assert.DoesNotContain(HttpStatusCode.Forbidden, reads);
        Assert.All(writes, w => Assert.Equal(HttpStatusCode.Forbidden, w.Status));
        Assert.Contains(writes, w => w.Title == "This needs the Operator role.");
        Assert.Contains(writes, w => w.Title == "This needs the Administrator role.");
    }

    [Fact]
    public async Task An_operator_starts_onboardings_but_is_refused_the_administrator_actions_and_the_audit_names_them()
    {
        Guid customer = GeneratedSeed.Customer(8);
        using HttpClient oscar = SignIn.Client(stack.Api.BaseAddress, await SignIn.PersonTokenAsync(stack.Sim, SignIn.OperatorPerson));

        HttpResponseMessage started = await oscar.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = "Generated Customer 0008" });
        JsonObject waiting = await stack.FollowAsync(started, d => d["status"]!.GetValue<string>() is "waitingForCustomer" or "failed");
        (await oscar.PostAsync($"api/onboardings/{waiting["id"]}/cancel", null)).EnsureSuccessStatusCode();
        await stack.FollowAsync(started, d => d["status"]!.GetValue<string>() == "cancelled");
        HttpStatusCode[] administrator = [.. await Task.WhenAll(AdministratorWrites.Select(async w => (await SendAsync(oscar, w)).StatusCode))];
        JsonArray audit = (await oscar.GetFromJsonAsync<JsonArray>($"api/onboardings/{waiting["id"]}/audit"))!;

        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.All(administrator, status => Assert.Equal(HttpStatusCode.Forbidden, status));
        Assert.Equal(
            ("operator@contosomsp.onmicrosoft.com", "Cancelled by operator@contosomsp.onmicrosoft.com at step AwaitCustomerApproval."),
            (audit[^1]!["actor"]!.GetValue<string>(), audit[^1]!["message"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_function_key_is_refused_the_administrator_actions_naming_why()
    {
        List<(HttpStatusCode, string)> answers = [];
        foreach (string write in AdministratorWrites)
        {
            HttpResponseMessage answer = await SendAsync(stack.Api, write);
            answers.Add((answer.StatusCode, (await answer.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>()));
        }

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Forbidden, a.Item1));
        Assert.All(answers, a => Assert.EndsWith("The function key stands for Reader and Operator only: sign in with Entra ID for Administrator routes.", a.Item2, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_system_signed_in_with_a_role_is_let_in_under_its_app_id()
    {
        using HttpClient psa = SignIn.Client(stack.Api.BaseAddress, await SignIn.SystemTokenAsync(stack.Sim, SignIn.PsaOperator));
        using HttpClient monitoring = SignIn.Client(stack.Api.BaseAddress, await SignIn.SystemTokenAsync(stack.Sim, SignIn.MonitoringReader));

        (await psa.PostAsync("api/customers/import", null)).EnsureSuccessStatusCode();
        HttpResponseMessage mapped = await psa.PutAsJsonAsync($"api/customers/{GeneratedSeed.Customer(5)}/organization", new { organizationId = "PSA-5" });
        HttpResponseMessage refused = await monitoring.PutAsJsonAsync($"api/customers/{GeneratedSeed.Customer(5)}/organization", new { organizationId = "PSA-X" });
        JsonObject customer = (await monitoring.GetFromJsonAsync<JsonObject>($"api/customers/{GeneratedSeed.Customer(5)}"))!;

        Assert.True(mapped.IsSuccessStatusCode, await mapped.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("PSA-5", customer["organizationId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_with_no_role_of_this_api_gets_403_and_a_token_that_does_not_verify_gets_401()
    {
        string unassigned = await SignIn.SystemTokenAsync(stack.Sim, SignIn.Unassigned);
        string reader = await SignIn.PersonTokenAsync(stack.Sim, SignIn.ReaderPerson);
        string[] parts = reader.Split('.');
        string elevated = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1])).Replace("BundleFunctions.Reader", "BundleFunctions.Administrator", StringComparison.Ordinal);
        string forged = $"{parts[0]}.{System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(elevated))}.{parts[2]}";
        string graph = await SignIn.SystemTokenAsync(stack.Sim, SignIn.PsaOperator, "https://graph.microsoft.com/.default");

        HttpStatusCode none = (await SignIn.Client(stack.Api.BaseAddress, unassigned).GetAsync("api/onboardings")).StatusCode;
        HttpResponseMessage tamperedAnswer = await SignIn.Client(stack.Api.BaseAddress, forged).GetAsync("api/onboardings");
        HttpStatusCode tampered = tamperedAnswer.StatusCode;
        HttpStatusCode otherAudience = (await SignIn.Client(stack.Api.BaseAddress, graph).GetAsync("api/onboardings")).StatusCode;

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (none, tampered, otherAudience));
        Assert.Equal("Sign in: send a bearer token for this API (Entra ID), or a valid x-functions-key header.", (await tamperedAnswer.Content.ReadFromJsonAsync<JsonObject>())!["title"]!.GetValue<string>());
    }

    static async Task<HttpResponseMessage> SendAsync(HttpClient client, string write)
    {
        string[] parts = write.Split(' ');
        using HttpRequestMessage request = new(new HttpMethod(parts[0]), parts[1]) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        return await client.SendAsync(request);
    }
}
