using System.Reflection;
using BundleFunctions.Activities;
using BundleFunctions.Api;
using BundleFunctions.Functions;
using BundleFunctions.Infrastructure.Events;
using BundleFunctions.Orchestrators;
using BundleFunctions.Ports;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;

namespace BundleFunctions.Infra.Tests;

/// <summary>
/// The Functions app's host, built as <c>func start</c> builds it (Development: every registration validated) and with the
/// settings infra/ deploys, so a start-up failure shows here and not as an app in Azure where no function loads.
/// </summary>
public sealed class FunctionsHostTests
{
    static readonly Dictionary<string, string> DeployedWithThePartnersValues = new()
    {
        ["partnerTenantId"] = "7f5b1c2e-0000-4a6b-9c1d-5e2f3a4b5c6d",
        ["appClientId"] = "b7a1c3e5-3333-4a6b-9c1d-000000000001",
        ["serviceAccountUserPrincipalName"] = "svc-bundle@contoso.onmicrosoft.com",
    };

    /// <summary>main.bicep's defaults for the partner's values: empty until the operator knows them.</summary>
    static readonly Dictionary<string, string> DeployedWithTheDefaults = new()
    {
        ["partnerTenantId"] = string.Empty,
        ["appClientId"] = string.Empty,
        ["serviceAccountUserPrincipalName"] = string.Empty,
    };

    static IHost Build(IReadOnlyDictionary<string, string?> settings)
    {
        // What func start sets, and what makes the host validate every registration when it builds.
        Environment.SetEnvironmentVariable("AZURE_FUNCTIONS_ENVIRONMENT", "Development");
        FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddBundleFunctions();
        return builder.Build();
    }

    /// <summary>Everything a function asks its services for: each Core activity, each API handler (with the binding's client), the outbox.</summary>
    static void ResolveWhatEveryFunctionResolves(IServiceProvider services)
    {
        DurableTaskClient client = new Mock<DurableTaskClient>("bindings").Object;
        foreach (Type activity in CoreTasks(typeof(ITaskActivity)).Where(a => a != typeof(StartBatchOnboardingsActivity)))
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(services, activity));
        }

        // The batch's starter comes from the activity's Durable client binding, as the function builds it.
        Assert.NotNull(ActivatorUtilities.CreateInstance<StartBatchOnboardingsActivity>(services, ActivatorUtilities.CreateInstance<DurableOnboardingStarter>(services, client)));
        Assert.NotNull(ActivatorUtilities.CreateInstance<OnboardingBatchApi>(services, client));
        Assert.NotNull(services.GetRequiredService<CustomersApi>());
        Assert.NotNull(services.GetRequiredService<CustomerImport>());

        Assert.NotNull(ActivatorUtilities.CreateInstance<OnboardingApi>(services, client));
        Assert.NotNull(ActivatorUtilities.CreateInstance<PartnerCenterWebhook>(services, client));
        Assert.NotNull(ActivatorUtilities.CreateInstance<ScheduledJobs>(services, client));
        Assert.NotNull(ActivatorUtilities.CreateInstance<GlobalAdministratorRemovalApi>(services, client));
        OnboardingApi onboardings = ActivatorUtilities.CreateInstance<OnboardingApi>(services, client);
        Assert.NotNull(ActivatorUtilities.CreateInstance<RelationshipMigrationApi>(services, onboardings));
        Assert.NotNull(ActivatorUtilities.CreateInstance<OffboardingApi>(services, client, onboardings));
        Assert.NotNull(services.GetRequiredService<OutboxDispatcher>());
        Assert.NotNull(services.GetRequiredService<DeploymentHealth>());
        Assert.NotNull(services.GetRequiredService<IOperationsAudit>());
        Assert.NotNull(services.GetRequiredService<IPartnerReadiness>());
    }

    [Fact]
    public void The_host_builds_in_development_with_the_settings_infra_deploys_and_every_function_resolves_what_it_needs()
    {
        using IHost host = Build(DeployedAppSettings.Evaluate(DeployedWithThePartnersValues));

        Assert.True(host.Services.GetRequiredService<IHostEnvironment>().IsDevelopment());
        ResolveWhatEveryFunctionResolves(host.Services);
    }

    [Fact]
    public void With_the_secrets_not_yet_in_key_vault_the_host_starts_and_health_names_the_unresolved_settings_without_their_values()
    {
        Dictionary<string, string?> settings = DeployedAppSettings.Evaluate(DeployedWithThePartnersValues);
        using IHost host = Build(settings);

        DeploymentHealth health = host.Services.GetRequiredService<DeploymentHealth>();

        Assert.Equal(["MicrosoftCloud__ClientSecret", "MicrosoftCloud__ServiceAccountRefreshToken"], health.UnresolvedSettings);
        Assert.StartsWith("MicrosoftCloud__ClientSecret is a Key Vault reference that did not resolve", health.MicrosoftCloud, StringComparison.Ordinal);
        Assert.DoesNotContain("vault.azure.net", health.MicrosoftCloud + string.Join(' ', health.UnresolvedSettings), StringComparison.Ordinal);
        Assert.DoesNotContain(settings["MicrosoftCloud:ClientSecret"]!, health.MicrosoftCloud, StringComparison.Ordinal);
    }

    [Fact]
    public void With_a_resolved_secret_and_an_unresolved_refresh_token_the_microsoft_cloud_is_connected_and_only_the_token_is_named()
    {
        Dictionary<string, string?> settings = DeployedAppSettings.Evaluate(DeployedWithThePartnersValues);
        settings["MicrosoftCloud:ClientSecret"] = "resolved-by-app-service";
        using IHost host = Build(settings);

        DeploymentHealth health = host.Services.GetRequiredService<DeploymentHealth>();

        Assert.Null(health.MicrosoftCloud);
        Assert.Equal(["MicrosoftCloud__ServiceAccountRefreshToken"], health.UnresolvedSettings);
        Assert.IsNotType<BundleFunctions.Infrastructure.MicrosoftCloud.MicrosoftCloudNotConfigured>(host.Services.GetRequiredService<IGdapRelationships>());
    }

    [Fact]
    public void With_main_biceps_empty_partner_values_the_host_starts_and_every_microsoft_step_names_the_settings_to_set()
    {
        using IHost host = Build(DeployedAppSettings.Evaluate(DeployedWithTheDefaults));

        ResolveWhatEveryFunctionResolves(host.Services);
        StepFailedException refused = Assert.Throws<StepFailedException>(() => host.Services.GetRequiredService<IGdapRelationships>().ListAsync(default).GetAwaiter().GetResult());
        Assert.Contains("MicrosoftCloud settings", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_every_setting_empty_the_host_starts_and_the_storage_connection_is_named_when_first_needed()
    {
        Dictionary<string, string?> empty = DeployedAppSettings.Evaluate(DeployedWithThePartnersValues).ToDictionary(s => s.Key, _ => (string?)string.Empty);
        using IHost host = Build(empty);

        InvalidOperationException missing = Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<IOnboardingStore>());

        Assert.Contains("'BundleData' storage connection is not configured", missing.Message, StringComparison.Ordinal);
        Assert.StartsWith("No Microsoft cloud connection is configured", host.Services.GetRequiredService<DeploymentHealth>().MicrosoftCloud, StringComparison.Ordinal);
        Assert.Equal("microsoftCloudConnection", (await host.Services.GetRequiredService<IPartnerReadiness>().CheckAsync(default)).FirstBlocker?.Name);
    }

    [Fact]
    public void The_client_id_set_without_the_partner_tenant_id_is_named_as_the_setting_to_set()
    {
        Dictionary<string, string?> settings = DeployedAppSettings.Evaluate(DeployedWithThePartnersValues);
        settings["MicrosoftCloud:PartnerTenantId"] = string.Empty;
        settings["MicrosoftCloud:ClientSecret"] = "resolved-by-app-service";
        using IHost host = Build(settings);

        Assert.StartsWith("MicrosoftCloud__PartnerTenantId is not set, but MicrosoftCloud__ClientId is: set it to the partner tenant's ID", host.Services.GetRequiredService<DeploymentHealth>().MicrosoftCloud, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_guid_stops_start_up_with_the_setting_named()
    {
        Dictionary<string, string?> settings = DeployedAppSettings.Evaluate(DeployedWithThePartnersValues);
        settings["MicrosoftCloud:ClientId"] = "<multi-tenant app (client) ID>";

        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => Build(settings).Dispose());

        Assert.Equal("The app setting MicrosoftCloud__ClientId has a value of the wrong form: it must be a Guid. Correct it, or leave it empty for the default, and restart.", refused.Message);
    }

    [Theory]
    [InlineData("Workflow:GroupPrefix", "\u0007Acme", "Workflow__GroupPrefix: The group prefix must not contain control characters.")]
    [InlineData("Workflow:FollowUpFirstPoll", "00:00:00", "Workflow__FollowUpFirstPoll: must be longer than zero; 00:00:00 is not.")]
    [InlineData("Workflow:TimeScale", "2", "Workflow__TimeScale: must be more than 0 and at most 1 (1 in production); 2 is not.")]
    [InlineData("Tables:Prefix", "bundle-dev", "Tables__Prefix cannot be used")]
    [InlineData("Bundle:Integrations", "exchangeOnline,sharepoint", "Bundle__Integrations names unknown integration(s) sharepoint: use microsoftGraph, exchangeOnline, partnerCenter, azureKeyVault. Correct it and restart.")]
    [InlineData("Bundle:GraphPreset", "everything", "Bundle__GraphPreset 'everything' is not a preset: use standard or management. Correct it and restart.")]
    public void A_setting_that_cannot_work_stops_start_up_with_its_name(string setting, string value, string named)
    {
        Dictionary<string, string?> settings = DeployedAppSettings.Evaluate(DeployedWithThePartnersValues);
        settings[setting] = System.Text.RegularExpressions.Regex.Unescape(value);

        InvalidOperationException refused = Assert.Throws<InvalidOperationException>(() => Build(settings).Dispose());

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
        Assert.True(
            refused.Message.StartsWith("Settings that cannot work; correct them and restart: ", StringComparison.Ordinal) || refused.Message.StartsWith("The app setting Tables__Prefix cannot be used", StringComparison.Ordinal) || refused.Message.StartsWith("Bundle__", StringComparison.Ordinal),
            refused.Message);
    }

    [Fact]
    public void Every_orchestrator_and_activity_in_core_has_a_function_of_its_name_with_its_input_and_output_and_the_reverse()
    {
        Dictionary<string, (Type Input, Type Output)> wrappers = typeof(FunctionsComposition).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.GetParameters().Any(p => p.GetCustomAttribute<OrchestrationTriggerAttribute>() is not null || p.GetCustomAttribute<ActivityTriggerAttribute>() is not null))
            .ToDictionary(
                m => m.GetCustomAttribute<FunctionAttribute>()!.Name,
                m => (m.GetParameters().Single(p => p.GetCustomAttribute<ActivityTriggerAttribute>() is not null || (p.ParameterType != typeof(TaskOrchestrationContext) && p.ParameterType != typeof(FunctionContext) && p.ParameterType != typeof(DurableTaskClient))).ParameterType, m.ReturnType.GetGenericArguments().Single()));
        Dictionary<string, (Type Input, Type Output)> core = CoreTasks(typeof(ITaskOrchestrator)).Concat(CoreTasks(typeof(ITaskActivity))).ToDictionary(
            t => t.GetField("Name")?.GetValue(null) as string ?? t.Name,
            t => (t.BaseType!.GetGenericArguments()[0], t.BaseType!.GetGenericArguments()[1]));

        Assert.Equal(core.OrderBy(e => e.Key), wrappers.OrderBy(e => e.Key));
    }

    static IEnumerable<Type> CoreTasks(Type kind) =>
        typeof(BundleWorkflows).Assembly.GetTypes().Where(t => t is { IsAbstract: false, IsClass: true } && kind.IsAssignableFrom(t));
}
