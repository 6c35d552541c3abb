using System.Net.Http.Json;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Integration.Tests.Onboarding;
using BundleFunctions.Ports;
using MicrosoftCloudSimulator.Hosting;

namespace BundleFunctions.Integration.Tests.MicrosoftCloud;

/// <summary>The enterprise-app adapter against the simulated Entra: the admin-consent link, and the app-only access check.</summary>
public sealed class EnterpriseAppAccessTests : IAsyncLifetime
{
    const string App = "b7a1c3e5-3333-4a6b-9c1d-000000000001";
    static readonly Guid Customer = GeneratedSeed.Customer(1);

    Simulator simulator = null!;
    HttpClient sim = null!;

    public async Task InitializeAsync()
    {
        this.simulator = await OnboardingStack.StartSimulatorAsync(seedJson: GeneratedSeed.With(1));
        this.sim = new HttpClient(MicrosoftCloudConnection.CreateHandler(this.simulator.Thumbprint)) { BaseAddress = this.simulator.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        this.sim.Dispose();
        await this.simulator.DisposeAsync();
    }

    [Fact]
    public void The_link_asks_the_customers_authority_for_the_apps_default_scope_with_the_callback_and_the_state()
    {
        using MicrosoftCloudConnection connection = this.Connection();

        Uri link = new EnterpriseAppAccess(connection).ConsentLinkFor(Customer, "onb-1~a/b+c");

        Assert.Equal(
            $"{this.simulator.BaseAddress}{Customer}/v2.0/adminconsent?client_id={App}&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default"
            + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A7071%2Fapi%2Fadmin-consent%2Fcallback&state=onb-1~a%2Fb%2Bc",
            link.AbsoluteUri);
    }

    [Fact]
    public void Without_a_callback_address_no_link_is_made_and_the_setting_is_named()
    {
        using MicrosoftCloudConnection connection = this.Connection(callback: null);

        StepFailedException refused = Assert.Throws<StepFailedException>(() => new EnterpriseAppAccess(connection).ConsentLinkFor(Customer, "onb-1~x"));

        Assert.StartsWith("No admin-consent callback is configured. Fix: set MicrosoftCloud__AdminConsentRedirectUri to https://<this app>/api/admin-consent/callback", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Before_consent_the_app_is_reported_not_consented_with_entras_words()
    {
        using MicrosoftCloudConnection connection = this.Connection();

        AppAccessReport report = await new EnterpriseAppAccess(connection).ProbeAsync(Customer, default);

        Assert.False(report.Consented);
        Assert.StartsWith("The app is not consented in the customer tenant (Entra: AADSTS700016: Application with identifier", report.Describe(), StringComparison.Ordinal);
        Assert.EndsWith(") Fix: the customer's Global Administrator opens the admin-consent link and accepts.", report.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_consent_app_only_access_is_green()
    {
        using MicrosoftCloudConnection connection = this.Connection();
        await this.ConsentAsync(new EnterpriseAppAccess(connection).ConsentLinkFor(Customer, "onb-1~x"));

        AppAccessReport report = await new EnterpriseAppAccess(connection).ProbeAsync(Customer, default);

        Assert.True(report.IsGreen, report.Describe());
    }

    [Fact]
    public async Task A_permission_added_to_the_app_after_the_customer_consented_is_named_as_missing()
    {
        using (MicrosoftCloudConnection before = this.Connection())
        {
            await this.ConsentAsync(new EnterpriseAppAccess(before).ConsentLinkFor(Customer, "onb-1~x"));
        }

        (await this.sim.PostAsJsonAsync($"_sim/apps/{App}/grant", new { permission = "Mail.Read" })).EnsureSuccessStatusCode();
        using MicrosoftCloudConnection after = this.Connection();
        AppAccessReport report = await new EnterpriseAppAccess(after).ProbeAsync(Customer, default);

        Assert.Equal(["Mail.Read"], report.MissingPermissions);
        Assert.Equal(
            "The customer's consent lacks the application permission(s) Mail.Read that the app registration asks for: send the customer's Global Administrator the admin-consent link again.",
            report.Describe());
    }

    MicrosoftCloudConnection Connection(string? callback = "http://127.0.0.1:7071/api/admin-consent/callback")
    {
        MicrosoftCloudOptions options = OnboardingStack.CloudOptions(this.simulator);
        options.AdminConsentRedirectUri = callback is null ? null : new Uri(callback);
        return new MicrosoftCloudConnection(options);
    }

    Task ConsentAsync(Uri link) => SimulatedAdministrator.AnswerAsync(this.sim, link, "approve");
}
