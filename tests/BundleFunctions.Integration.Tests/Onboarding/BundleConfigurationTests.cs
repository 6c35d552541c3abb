using System.Text.Json.Nodes;
using BundleFunctions.Bundle;
using BundleFunctions.Onboarding;
using Microsoft.Extensions.DependencyInjection;

namespace BundleFunctions.Integration.Tests.Onboarding;

/// <summary>The bundle's configuration decides what each customer is consented to, and a wrong permission name sends nothing.</summary>
public sealed class BundleConfigurationTests
{
    const string ExchangeOnline = "00000002-0000-0ff1-ce00-000000000000";

    static Task<OnboardingStack> StackWith(string? integrations, string? graphPermissions) =>
        OnboardingStack.StartAsync(services: worker => worker.AddSingleton(BundleConfiguration.From(integrations, null, graphPermissions).Configuration!));

    [Fact]
    public async Task With_exchange_online_on_the_customer_is_consented_to_exchange_manage_beside_graph()
    {
        await using OnboardingStack stack = await StackWith("exchangeOnline", null);
        string id = await stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        OnboardingRecord waiting = await stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);
        await stack.ApproveAsync(waiting.RelationshipId!, OnboardingStack.Fabrikam);

        Assert.Equal(Shield.Green, (await stack.WaitForOutcomeAsync(id)).Shield);
        JsonObject state = await stack.StateAsync();
        JsonArray grants = state["consents"]!.AsArray().Single()!["grants"]!.AsArray();
        Assert.Equal(
            ["00000003-0000-0000-c000-000000000000:Directory.Read.All,DelegatedPermissionGrant.ReadWrite.All,Application.ReadWrite.All,Policy.Read.All", $"{ExchangeOnline}:Exchange.Manage"],
            grants.Select(g => $"{g!["enterpriseApplicationId"]}:{g["scope"]}"));
        JsonNode customer = state["customers"]!.AsArray().Single(c => c!["tenantId"]!.GetValue<string>() == OnboardingStack.Fabrikam.ToString())!;
        string exchangeSp = customer["servicePrincipals"]!.AsArray().Single(sp => sp!["appId"]!.GetValue<string>() == ExchangeOnline)!["id"]!.GetValue<string>();
        Assert.Contains(customer["grants"]!.AsArray(), g => g!["resourceId"]!.GetValue<string>() == exchangeSp && g["scope"]!.GetValue<string>() == "Exchange.Manage" && g["consentType"]!.GetValue<string>() == "AllPrincipals");
    }

    [Fact]
    public async Task An_unknown_graph_permission_name_stops_the_onboarding_before_anything_is_created_or_consented()
    {
        await using OnboardingStack stack = await StackWith(null, "User.Read,Mail.Sendd");
        string id = await stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));

        OnboardingRecord failed = await stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.Failed);

        Assert.Equal(OnboardingStep.EnsurePartnerGroups, failed.CurrentStep);
        Assert.StartsWith(
            "Partner readiness check bundleConfiguration fails: Not a published delegated permission of its API: Mail.Sendd (Microsoft Graph). Nothing is consented until this is corrected. Fix: Correct Bundle__GraphPermissions",
            failed.Steps.Single(s => s.Step == OnboardingStep.EnsurePartnerGroups).Message,
            StringComparison.Ordinal);
        JsonObject state = await stack.StateAsync();
        Assert.Empty(state["relationships"]!.AsArray());
        Assert.Empty(state["consents"]!.AsArray());
    }

    [Fact]
    public async Task Consenting_again_after_exchange_online_was_turned_on_adds_its_grant_to_the_existing_consent_once()
    {
        await using OnboardingStack stack = await OnboardingStack.StartAsync();
        string id = await stack.StartAsync(OnboardingStack.InputFor(OnboardingStack.Fabrikam, "Fabrikam Pharma Ltd"));
        OnboardingRecord waiting = await stack.WaitForRecordAsync(id, r => r.Status == OnboardingStatus.WaitingForCustomer);
        await stack.ApproveAsync(waiting.RelationshipId!, OnboardingStack.Fabrikam);
        Assert.Equal(Shield.Green, (await stack.WaitForOutcomeAsync(id)).Shield);
        using Infrastructure.MicrosoftCloud.MicrosoftCloudConnection connection = new(OnboardingStack.CloudOptions(stack.Simulator));
        Infrastructure.MicrosoftCloud.CustomerTenantAccess withExchange = new(connection, BundleConfiguration.From("exchangeOnline", null, null).Configuration!);

        Ports.ConsentOutcome first = await withExchange.EnsureConsentAsync(OnboardingStack.Fabrikam, default);
        Ports.ConsentOutcome second = await withExchange.EnsureConsentAsync(OnboardingStack.Fabrikam, default);

        Assert.Equal(
            (Ports.ConsentState.AlreadyPresent, "The application was already consented; its grants were brought up to the bundle's configuration, adding Office 365 Exchange Online: Exchange.Manage."),
            (first.State, first.Message));
        Assert.Equal(Ports.ConsentOutcome.AlreadyPresent, second);
        JsonNode customer = (await stack.StateAsync())["customers"]!.AsArray().Single(c => c!["tenantId"]!.GetValue<string>() == OnboardingStack.Fabrikam.ToString())!;
        string exchangeSp = customer["servicePrincipals"]!.AsArray().Single(sp => sp!["appId"]!.GetValue<string>() == ExchangeOnline)!["id"]!.GetValue<string>();
        Assert.Single(customer["grants"]!.AsArray(), g => g!["resourceId"]!.GetValue<string>() == exchangeSp && g["scope"]!.GetValue<string>() == "Exchange.Manage");
    }
}
