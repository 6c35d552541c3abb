using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using BundleFunctions.Integration.Tests.Onboarding;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.Api;

/// <summary>A LocalHost whose callback address is registered on the simulated app registration, as the README's setup says.</summary>
public sealed class EnterpriseAppStack : PublicApiStack
{
    public const string ClientId = "b7a1c3e5-3333-4a6b-9c1d-000000000001";

    public Uri CallbackUrl => new($"http://127.0.0.1:{this.Host.ApiPort}/api/admin-consent/callback");

    public async Task RegisterCallbackAsync() =>
        (await this.Sim.PostAsJsonAsync($"_sim/apps/{ClientId}/redirect-uris", new { uri = this.CallbackUrl.AbsoluteUri })).EnsureSuccessStatusCode();
}

/// <summary>
/// The enterprise-app path (no CSP relationship): the admin-consent link, the customer administrator's answer through the
/// callback, and app-only access — against the simulator's Entra admin-consent endpoint.
/// </summary>
public sealed class EnterpriseAppPathTests(EnterpriseAppStack stack) : IClassFixture<EnterpriseAppStack>
{
    static readonly Guid Approving = GeneratedSeed.Customer(1);
    static readonly Guid Declining = GeneratedSeed.Customer(2);
    static readonly Guid NotAdministrator = GeneratedSeed.Customer(3);
    static readonly Guid Forged = GeneratedSeed.Customer(4);
    static readonly Guid Validated = GeneratedSeed.Customer(5);

    [Fact]
    public async Task An_enterprise_app_onboarding_goes_from_the_consent_link_to_green_through_the_callback()
    {
        (JsonObject waiting, HttpResponseMessage started) = await this.StartAndWaitForTheCustomerAsync(Approving, "Approving Ltd");

        (HttpStatusCode callback, string page) = await this.AnswerAsync(waiting, "approve");
        JsonObject done = await stack.FollowAsync(started, d => d["status"]!.GetValue<string>() is "succeeded" or "failed");

        JsonObject state = (await stack.Sim.GetFromJsonAsync<JsonObject>("_sim/state"))!;
        JsonObject customer = state["customers"]!.AsArray().Single(c => c!["tenantId"]!.GetValue<Guid>() == Approving)!.AsObject();
        JsonNode app = customer["servicePrincipals"]!.AsArray().Single(sp => sp!["appId"]!.GetValue<string>() == EnterpriseAppStack.ClientId)!;
        Assert.Equal((HttpStatusCode.OK, true), (callback, page.Contains("Thank you: your consent was recorded", StringComparison.Ordinal)));
        Assert.Equal(("succeeded", "green", "enterpriseApp"), (done["status"]!.GetValue<string>(), done["shield"]!.GetValue<string>(), done["path"]!.GetValue<string>()));
        Assert.Null(done["relationshipId"]);
        Assert.Equal("The customer's administrator consented (seen by callback).", Step(done, "awaitCustomerApproval")["message"]!.GetValue<string>());
        Assert.Equal("App-only API access into the customer tenant works.", Step(done, "verifyAccess")["message"]!.GetValue<string>());
        Assert.Equal("skipped", Step(done, "createRelationship")["status"]!.GetValue<string>());
        Assert.DoesNotContain(state["relationships"]!.AsArray(), r => r!["customerTenantId"]!.GetValue<Guid>() == Approving);
        Assert.Contains("Directory.Read.All", app["appRoles"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Fact]
    public async Task A_declined_admin_consent_ends_the_onboarding_failed_with_Entras_reason_and_the_fix()
    {
        (JsonObject waiting, HttpResponseMessage started) = await this.StartAndWaitForTheCustomerAsync(Declining, "Declining Ltd");

        (HttpStatusCode callback, string page) = await this.AnswerAsync(waiting, "decline");
        JsonObject failed = await stack.FollowAsync(started, d => d["status"]!.GetValue<string>() is "succeeded" or "failed");

        Assert.Equal((HttpStatusCode.OK, true), (callback, page.Contains("Consent was not given", StringComparison.Ordinal)));
        Assert.Equal(("failed", "awaitCustomerApproval"), (failed["status"]!.GetValue<string>(), failed["currentStep"]!.GetValue<string>()));
        Assert.Equal(
            "The customer's administrator declined the consent (Entra: AADSTS65004: User declined to consent to access the app.). Fix: ask them to open the admin-consent link again and accept, then retry.",
            Step(failed, "awaitCustomerApproval")["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_consent_answered_by_someone_who_is_not_an_administrator_names_who_must_answer()
    {
        (JsonObject waiting, HttpResponseMessage started) = await this.StartAndWaitForTheCustomerAsync(NotAdministrator, "Not Admin Ltd");

        await this.AnswerAsync(waiting, "notAdmin");
        JsonObject failed = await stack.FollowAsync(started, d => d["status"]!.GetValue<string>() is "succeeded" or "failed");

        Assert.Equal(
            "The person who opened the admin-consent link may not consent for the organization (Entra: AADSTS90094: The grant requires admin permission.). Fix: send the link to the customer's Global Administrator (or a Privileged Role Administrator), then retry.",
            Step(failed, "awaitCustomerApproval")["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_callback_with_a_forged_state_is_refused_and_changes_nothing()
    {
        (JsonObject waiting, _) = await this.StartAndWaitForTheCustomerAsync(Forged, "Forged Ltd");
        string id = waiting["id"]!.GetValue<string>();
        string audit = await stack.Api.GetStringAsync($"api/onboardings/{id}/audit");
        using HttpClient browser = new();

        List<(HttpStatusCode, string)> answers = [];
        foreach (string state in new[] { $"{id}~guessed-value", $"{id}~", "onb-0000~x", string.Empty })
        {
            HttpResponseMessage page = await browser.GetAsync($"{stack.CallbackUrl}?admin_consent=True&tenant={Forged}&state={Uri.EscapeDataString(state)}");
            answers.Add((page.StatusCode, await page.Content.ReadAsStringAsync()));
        }

        JsonObject after = (await stack.Api.GetFromJsonAsync<JsonObject>($"api/onboardings/{id}"))!;
        Assert.All(answers, answer => Assert.Equal((HttpStatusCode.BadRequest, true), (answer.Item1, answer.Item2.Contains("This answer does not belong to a consent link of this service", StringComparison.Ordinal))));
        Assert.Equal(("waitingForCustomer", waiting["updatedAt"]!.GetValue<string>()), (after["status"]!.GetValue<string>(), after["updatedAt"]!.GetValue<string>()));
        Assert.Equal(audit, await stack.Api.GetStringAsync($"api/onboardings/{id}/audit"));
    }

    [Fact]
    public async Task An_enterprise_app_onboarding_refuses_what_shapes_a_relationship()
    {
        HttpResponseMessage refused = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Validated, customerName = "Validated Ltd", path = "enterpriseApp", durationDays = 30 });
        HttpResponseMessage unknown = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = Validated, customerName = "Validated Ltd", path = "lighthouse" });

        JsonObject problem = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (refused.StatusCode, unknown.StatusCode));
        Assert.Equal(
            "durationDays belongs to a GDAP relationship; the enterprise-app path makes none: leave durationDays out, or leave path out for GDAP.",
            problem["errors"]!["durationDays"]![0]!.GetValue<string>());
        Assert.Contains("'lighthouse' is not an onboarding path", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await stack.Api.GetAsync($"api/onboardings/{BundleFunctions.Onboarding.OnboardingId.For(Onboarding.OnboardingStack.PartnerTenantId, Validated)}")).StatusCode);
    }

    static JsonObject Step(JsonObject onboarding, string name) => onboarding["steps"]!.AsArray().Single(s => s!["name"]!.GetValue<string>() == name)!.AsObject();

    async Task<(JsonObject Waiting, HttpResponseMessage Started)> StartAndWaitForTheCustomerAsync(Guid customer, string name)
    {
        await stack.RegisterCallbackAsync();
        HttpResponseMessage started = await stack.Api.PostAsJsonAsync("api/onboardings", new { customerTenantId = customer, customerName = name, path = "enterpriseApp" });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        JsonObject waiting = await stack.FollowAsync(started, d => d["status"]!.GetValue<string>() is "waitingForCustomer" or "failed");
        Assert.Equal("waitingForCustomer", waiting["status"]!.GetValue<string>());
        return (waiting, started);
    }

    /// <summary>The customer's administrator opens the link at Entra, answers, and their browser follows Entra's redirect to the callback.</summary>
    async Task<(HttpStatusCode Status, string Page)> AnswerAsync(JsonObject waiting, string answer)
    {
        Uri redirect = await SimulatedAdministrator.AnswerAsync(stack.Sim, new Uri(waiting["invitationUrl"]!.GetValue<string>()), answer);
        using HttpClient browser = new();
        HttpResponseMessage landed = await browser.GetAsync(redirect);
        return (landed.StatusCode, await landed.Content.ReadAsStringAsync());
    }
}
