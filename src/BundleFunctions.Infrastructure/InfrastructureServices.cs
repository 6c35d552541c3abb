using System.Diagnostics.Metrics;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Azure.Storage.Queues;
using BundleFunctions.Bundle;
using BundleFunctions.Infrastructure.Events;
using BundleFunctions.Infrastructure.MicrosoftCloud;
using BundleFunctions.Infrastructure.Settings;
using BundleFunctions.Infrastructure.Storage;
using BundleFunctions.Ports;
using BundleFunctions.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace BundleFunctions.Infrastructure;

/// <summary>Registers the adapters behind Core's ports. Both hosts (Functions app, LocalHost) call this one method.</summary>
public static class InfrastructureServices
{
    /// <summary>The connection setting of the application's own tables (separate from the task hub's storage).</summary>
    public const string DataConnectionName = "BundleData";

    /// <summary>
    /// The setting that prefixes the product's table names, so environments (or local runs) can share one storage account
    /// without reading each other's onboardings — as the task hub name keeps their orchestrations apart.
    /// </summary>
    public const string TablePrefixSetting = "Tables:Prefix";

    const string LeaseExpirySetting = "Tables:LeaseExpiry";

    /// <summary>Adds the store and the Microsoft cloud adapters.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddBundleInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics().AddSingleton<OnboardingMetrics>();
        services.AddSingleton(_ => CreateTableService(configuration, DataConnectionName));
        string prefix = configuration[TablePrefixSetting] ?? string.Empty;
        if (prefix.Length > 0 && (!char.IsAsciiLetter(prefix[0]) || !prefix.All(char.IsAsciiLetterOrDigit) || prefix.Length > 40))
        {
            // Azure Tables names are 3-63 letters and digits starting with a letter: a bad prefix would fail every write.
            throw new InvalidOperationException($"The app setting Tables__Prefix cannot be used: table names take letters and digits, starting with a letter, and the prefix may be at most 40 long; '{prefix}' is not. Correct it and restart.");
        }

        services.AddSingleton<IOnboardingStore>(sp => new TableOnboardingStore(sp.GetRequiredService<TableServiceClient>(), prefix + TableOnboardingStore.DefaultTableName));
        services.AddSingleton<IWebhookInbox>(sp => new TableWebhookInbox(sp.GetRequiredService<TableServiceClient>(), prefix + TableWebhookInbox.DefaultTableName));
        services.AddSingleton<ICustomerBook>(sp => new TableCustomerBook(sp.GetRequiredService<TableServiceClient>(), prefix + TableCustomerBook.DefaultTableName));
        services.AddSingleton<IOperationsAudit>(sp => new TableOperationsAudit(sp.GetRequiredService<TableServiceClient>(), prefix + TableOperationsAudit.DefaultTableName));
        TableLeaseOptions leaseOptions = LeaseOptions(configuration);
        services.AddSingleton<ILeases>(sp => new TableLeases(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<TimeProvider>(), leaseOptions, prefix + TableLeases.DefaultTableName));
        services.AddSingleton(_ => CreateEventPublisher(configuration));
        services.AddSingleton(sp => new OutboxDispatcher(sp.GetRequiredService<TableServiceClient>(), sp.GetRequiredService<IEventPublisher>(), prefix + TableOnboardingStore.DefaultTableName));
        services.AddSingleton(BundleConfigurationOf(configuration));
        MicrosoftCloudOptions cloud = SettingsSection.Read<MicrosoftCloudOptions>(configuration, MicrosoftCloudOptions.Section);
        if (cloud.AdminConsentRedirectUri is null && configuration["WEBSITE_HOSTNAME"] is { Length: > 0 } host)
        {
            cloud.AdminConsentRedirectUri = new Uri($"https://{host}/api/admin-consent/callback");
        }

        services.AddSingleton(new PartnerTenant(cloud.PartnerTenantId));
        string? problem = cloud.ConnectionProblem();
        DeploymentHealth health = new(problem, SettingsSection.UnresolvedKeyVaultReferences(configuration));
        services.AddSingleton(health);
        if (problem is null)
        {
            services.AddMicrosoftCloud(cloud);
        }
        else
        {
            // Without a usable connection every Microsoft-facing step fails at once with a message naming the settings to fix;
            // the rest of the app (API, status, webhooks) still starts, and /api/health names the problem.
            services.AddSingleton(new MicrosoftCloudNotConfigured(problem, health.UnresolvedSettings));
            services.AddSingleton<IPartnerFacts>(sp => sp.GetRequiredService<MicrosoftCloudNotConfigured>());
            services.AddSingleton<IPartnerDirectory>(sp => sp.GetRequiredService<MicrosoftCloudNotConfigured>());
            services.AddSingleton<IGdapRelationships>(sp => sp.GetRequiredService<MicrosoftCloudNotConfigured>());
            services.AddSingleton<ICustomerAccess>(sp => sp.GetRequiredService<MicrosoftCloudNotConfigured>());
            services.AddSingleton<IEnterpriseAppAccess>(sp => sp.GetRequiredService<MicrosoftCloudNotConfigured>());
            services.AddSingleton<IPartnerCustomers>(sp => sp.GetRequiredService<MicrosoftCloudNotConfigured>());
        }

        return services;
    }

    /// <summary>
    /// The bundle's configuration from <c>Bundle__Integrations</c>, <c>Bundle__GraphPreset</c> and <c>Bundle__GraphPermissions</c>.
    /// A name that is not an integration or preset stops start-up, naming the setting: every consent would carry it.
    /// (Permission names are checked against what each API publishes by the readiness report, which needs Microsoft.)
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>The bundle's configuration.</returns>
    public static BundleConfiguration BundleConfigurationOf(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        (BundleConfiguration? bundle, string? problem) = BundleConfiguration.From(configuration["Bundle:Integrations"], configuration["Bundle:GraphPreset"], configuration["Bundle:GraphPermissions"]);
        return bundle ?? throw new InvalidOperationException($"{problem} Correct it and restart.");
    }

    /// <summary>
    /// Where events go: the Service Bus topic <c>Events:TopicName</c> when <c>ServiceBusConnection__fullyQualifiedNamespace</c> is set
    /// (Azure, managed identity), else the storage queue <c>Events:QueueName</c> in the data account (Azurite locally).
    /// </summary>
    public static IEventPublisher CreateEventPublisher(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        IConfigurationSection serviceBus = configuration.GetSection("ServiceBusConnection");
        if (serviceBus["fullyQualifiedNamespace"] is { Length: > 0 } ns)
        {
            ServiceBusClient client = new(ns, new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = serviceBus["clientId"] }));
            return new ServiceBusEventPublisher(client.CreateSender(configuration["Events:TopicName"] ?? "onboarding-events"));
        }

        string connection = configuration[DataConnectionName] ?? throw new InvalidOperationException(
            $"Events need either ServiceBusConnection__fullyQualifiedNamespace or a '{DataConnectionName}' connection string for the local queue.");
        return new StorageQueueEventPublisher(new QueueClient(connection, configuration["Events:QueueName"] ?? "onboarding-events"));
    }

    /// <summary>Registers the Graph and Partner Center adapters over one connection.</summary>
    /// <param name="services">The services.</param>
    /// <param name="options">Where the cloud is and how to sign in.</param>
    /// <param name="resilience">How calls are retried; the production policy when null.</param>
    /// <returns>The same services, for chaining.</returns>
    public static IServiceCollection AddMicrosoftCloud(this IServiceCollection services, MicrosoftCloudOptions options, MicrosoftCloudResilience? resilience = null)
    {
        services.AddLogging().AddMetrics();
        services.AddSingleton(sp => new MicrosoftCloudConnection(options, resilience, new MicrosoftCallTelemetry(sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<IMeterFactory>())));
        services.AddSingleton<IPartnerDirectory, GraphPartnerDirectory>();
        services.AddSingleton<IGdapRelationships, GraphRelationships>();
        services.AddSingleton<ICustomerAccess, CustomerTenantAccess>();
        services.AddSingleton<IEnterpriseAppAccess, EnterpriseAppAccess>();
        services.AddSingleton<IPartnerCustomers, PartnerCenterCustomers>();
        services.AddSingleton<IWebhookRegistration, PartnerCenterWebhookRegistration>();
        services.TryAddSingleton(BundleConfiguration.Default);
        services.AddSingleton<IPartnerFacts>(sp => new MicrosoftPartnerFacts(sp.GetRequiredService<MicrosoftCloudConnection>(), sp.GetService<DeploymentHealth>() ?? new DeploymentHealth(null, []), sp.GetRequiredService<BundleConfiguration>()));
        return services;
    }

    /// <summary>
    /// Handlers with the TLS trust of every call to Microsoft: the system store, or in development the certificate pinned in
    /// <c>MicrosoftCloud:PinnedCertificateThumbprint</c> (the simulator's).
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <returns>A factory of new handlers.</returns>
    public static Func<SocketsHttpHandler> MicrosoftTls(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? pinned = configuration[$"{MicrosoftCloudOptions.Section}:{nameof(MicrosoftCloudOptions.PinnedCertificateThumbprint)}"];
        return () => MicrosoftCloudConnection.CreateHandler(pinned);
    }

    /// <summary>
    /// The leases' expiry: how long a lease held by a worker that died keeps the others waiting (e.g. the partner groups'
    /// lease when a worker died creating them). Longer than the guarded work ever takes.
    /// </summary>
    static TableLeaseOptions LeaseOptions(IConfiguration configuration)
    {
        string? text = configuration[LeaseExpirySetting];
        if (string.IsNullOrEmpty(text))
        {
            return new TableLeaseOptions();
        }

        if (!TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out TimeSpan expiry) || expiry <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"The app setting Tables__LeaseExpiry must be a positive duration such as 00:02:00; '{text}' is not. Correct it and restart.");
        }

        return new TableLeaseOptions { Expiry = expiry };
    }

    /// <summary>
    /// A table client from a Functions-style connection setting: either a connection string in <c>{name}</c>
    /// (Azurite locally), or an identity-based connection in <c>{name}__tableServiceUri</c> (+ <c>{name}__clientId</c> for a
    /// user-assigned identity), as in Azure where shared keys are off.
    /// </summary>
    /// <param name="configuration">The configuration.</param>
    /// <param name="name">The connection name.</param>
    /// <returns>The client.</returns>
    public static TableServiceClient CreateTableService(IConfiguration configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration[name] is { Length: > 0 } connectionString)
        {
            return new TableServiceClient(connectionString);
        }

        IConfigurationSection section = configuration.GetSection(name);
        if (section["tableServiceUri"] is { Length: > 0 } uri)
        {
            DefaultAzureCredential credential = new(new DefaultAzureCredentialOptions { ManagedIdentityClientId = section["clientId"] });
            return new TableServiceClient(new Uri(uri), credential);
        }

        throw new InvalidOperationException(
            $"The '{name}' storage connection is not configured: set '{name}' to a connection string, or '{name}__tableServiceUri' for an identity-based connection.");
    }
}
