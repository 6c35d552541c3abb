using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BundleFunctions.Infra.Tests;

public sealed partial class TemplateTests
{
    static readonly Dictionary<string, string> RequiredRoles = new()
    {
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Azure Service Bus Data Sender"] = "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
        ["Key Vault Secrets User"] = "4633458b-17de-408a-b874-0445c86b69e6",
        ["Key Vault Secrets Officer"] = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
    };

    static JsonObject FunctionApp => Assert.Single(Bicep.Resources("Microsoft.Web/sites"));

    static Dictionary<string, string> AppSettings => FunctionApp["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
        .ToDictionary(s => s!["name"]!.GetValue<string>(), s => s!["value"]!.ToString());

    [Fact]
    public void Main_bicep_builds_without_errors_or_warnings()
    {
        (int exitCode, string _, string diagnostics) = Bicep.Run("build", "main.bicep", "--stdout");
        Assert.Equal((0, string.Empty), (exitCode, diagnostics.Trim()));
    }

    [Theory]
    [InlineData("main.bicep")]
    [InlineData("main.bicepparam")]
    public void Lint_reports_nothing(string file)
    {
        (int exitCode, string output, string diagnostics) = Bicep.Run("lint", file);
        Assert.Equal((0, string.Empty), (exitCode, (output + diagnostics).Trim()));
    }

    [Fact]
    public void The_parameters_file_builds()
    {
        (int exitCode, string _, string diagnostics) = Bicep.Run("build-params", "main.bicepparam", "--stdout");
        Assert.Equal((0, string.Empty), (exitCode, diagnostics.Trim()));
    }

    [Fact]
    public void The_app_runs_dotnet_isolated_10_on_flex_consumption_as_a_user_assigned_identity()
    {
        JsonObject plan = Assert.Single(Bicep.Resources("Microsoft.Web/serverfarms"));
        Assert.Equal(("FC1", "FlexConsumption"), (plan["sku"]!["name"]!.GetValue<string>(), plan["sku"]!["tier"]!.GetValue<string>()));
        JsonNode runtime = FunctionApp["properties"]!["functionAppConfig"]!["runtime"]!;
        Assert.Equal(("dotnet-isolated", "10.0"), (runtime["name"]!.GetValue<string>(), runtime["version"]!.GetValue<string>()));
        Assert.Equal("UserAssigned", FunctionApp["identity"]!["type"]!.GetValue<string>());
        Assert.Equal("UserAssignedIdentity", FunctionApp["properties"]!["functionAppConfig"]!["deployment"]!["storage"]!["authentication"]!["type"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("AzureWebJobsStorage__credential")]
    [InlineData("AzureWebJobsStorage__clientId")]
    [InlineData("AzureWebJobsStorage__blobServiceUri")]
    [InlineData("AzureWebJobsStorage__queueServiceUri")]
    [InlineData("AzureWebJobsStorage__tableServiceUri")]
    [InlineData("BundleData__tableServiceUri")]
    [InlineData("BundleData__clientId")]
    [InlineData("ServiceBusConnection__fullyQualifiedNamespace")]
    [InlineData("ServiceBusConnection__clientId")]
    [InlineData("TASKHUB_NAME")]
    [InlineData("MicrosoftCloud__PartnerTenantId")]
    [InlineData("MicrosoftCloud__ClientId")]
    [InlineData("MicrosoftCloud__ServiceAccountUserPrincipalName")]
    [InlineData("MicrosoftCloud__ServiceAccountRefreshTokenSecretUri")]
    [InlineData("MicrosoftCloud__KeyVaultIdentityClientId")]
    [InlineData("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")]
    public void The_app_has_the_identity_based_setting(string name)
    {
        Assert.True(AppSettings.ContainsKey(name), $"missing app setting {name}");
    }

    [Fact]
    public void App_service_authentication_validates_tokens_for_the_sign_in_app_and_leaves_keyed_routes_to_the_host()
    {
        JsonObject authentication = Assert.Single(Bicep.Resources("Microsoft.Web/sites/config"), c => c["name"]!.ToString().Contains("authsettingsV2", StringComparison.Ordinal));
        JsonNode entra = authentication["properties"]!["identityProviders"]!["azureActiveDirectory"]!;

        Assert.Equal("[not(empty(parameters('signInAppClientId')))]", authentication["condition"]!.ToString());
        Assert.Equal("AllowAnonymous", authentication["properties"]!["globalValidation"]!["unauthenticatedClientAction"]!.GetValue<string>());
        Assert.Equal("[parameters('signInAppClientId')]", entra["registration"]!["clientId"]!.ToString());
        Assert.Equal(["[parameters('signInAppClientId')]", "[format('api://{0}', parameters('signInAppClientId'))]"], entra["validation"]!["allowedAudiences"]!.AsArray().Select(a => a!.ToString()));
        Assert.Equal("[parameters('signInAppClientId')]", AppSettings["Api__SignInAppId"]);
    }

    [Fact]
    public void No_app_setting_is_a_connection_string_or_key()
    {
        Assert.DoesNotContain("AzureWebJobsStorage", AppSettings.Keys);
        Assert.DoesNotContain("BundleData", AppSettings.Keys);
        Assert.DoesNotContain("ServiceBusConnection", AppSettings.Keys);
        Assert.All(AppSettings.Values, value => Assert.DoesNotMatch(CredentialPattern(), value));
    }

    [Fact]
    public void The_app_credential_is_a_key_vault_reference_resolved_by_the_app_identity()
    {
        JsonObject module = Bicep.Descendants(Bicep.Template).Single(o => o["variables"]?["appSecretName"] is not null);

        Assert.Equal("[format('@Microsoft.KeyVault(SecretUri={0}secrets/{1})', parameters('keyVaultUri'), variables('appSecretName'))]", AppSettings["MicrosoftCloud__ClientSecret"]);
        Assert.Equal("microsoft-cloud-app-secret", module["variables"]!["appSecretName"]!.GetValue<string>());
        Assert.Equal("[parameters('identityId')]", FunctionApp["properties"]!["keyVaultReferenceIdentity"]!.GetValue<string>());
    }

    [Fact]
    public void The_refresh_token_is_a_key_vault_reference_to_the_secret_the_app_keeps_rotating()
    {
        JsonObject app = Bicep.Descendants(Bicep.Template).Single(o => o["variables"]?["refreshTokenSecretName"] is not null);

        Assert.Equal("[format('@Microsoft.KeyVault(SecretUri={0}secrets/{1})', parameters('keyVaultUri'), parameters('refreshTokenSecretName'))]", AppSettings["MicrosoftCloud__ServiceAccountRefreshToken"]);
        Assert.Equal("[format('{0}secrets/{1}', parameters('keyVaultUri'), parameters('refreshTokenSecretName'))]", AppSettings["MicrosoftCloud__ServiceAccountRefreshTokenSecretUri"]);
        Assert.Equal("service-account-refresh-token", app["variables"]!["refreshTokenSecretName"]!.GetValue<string>());
    }

    [Fact]
    public void The_app_identity_reads_the_vault_and_may_write_only_the_refresh_token_secret_once_it_is_stored()
    {
        JsonObject[] app = [.. Bicep.Resources("Microsoft.Authorization/roleAssignments").Where(r => r["properties"]!["principalId"]!.GetValue<string>() == "[parameters('principalId')]")];
        JsonObject reader = app.Single(r => r["properties"]!["roleDefinitionId"]!.GetValue<string>().Contains("keyVaultSecretsUser", StringComparison.Ordinal));
        JsonObject writer = app.Single(r => r["properties"]!["roleDefinitionId"]!.GetValue<string>().Contains("keyVaultSecretsOfficer", StringComparison.Ordinal));

        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName'))]", reader["scope"]!.GetValue<string>());
        Assert.Equal("[resourceId('Microsoft.KeyVault/vaults/secrets', parameters('keyVaultName'), parameters('refreshTokenSecretName'))]", writer["scope"]!.GetValue<string>());
        Assert.Equal("[parameters('refreshTokenSecretStored')]", writer["condition"]!.GetValue<string>());
    }

    [Fact]
    public void The_app_starts_after_its_role_assignments_with_one_durable_instance_always_ready()
    {
        JsonObject functionAppModule = Bicep.Descendants(Bicep.Template).Single(o => o["type"]?.ToString() == "Microsoft.Resources/deployments" && o["name"]?.ToString() == "functionapp");
        JsonNode alwaysReady = Assert.Single(FunctionApp["properties"]!["functionAppConfig"]!["scaleAndConcurrency"]!["alwaysReady"]!.AsArray())!;

        Assert.Contains(functionAppModule["dependsOn"]!.AsArray(), d => d!.ToString().Contains("'roles'", StringComparison.Ordinal));
        Assert.Equal(("durable", 1), (alwaysReady["name"]!.GetValue<string>(), alwaysReady["instanceCount"]!.GetValue<int>()));
    }

    [Fact]
    public void The_task_hub_name_is_unique_per_environment()
    {
        // TASKHUB_NAME = 'bundlehub' + resourceToken, and resourceToken = uniqueString(subscription, environmentName, location).
        Assert.Equal("[parameters('taskHubName')]", AppSettings["TASKHUB_NAME"]);
        string taskHub = Bicep.Descendants(Bicep.Template).Single(o => o["taskHubName"] is JsonValue && o["eventsTopicName"] is not null)["taskHubName"]!.GetValue<string>();
        Assert.Equal("[format('bundlehub{0}', parameters('resourceToken'))]", taskHub);
        Assert.Contains("parameters('environmentName')", Bicep.Template["variables"]!["resourceToken"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Every_required_role_is_assigned_by_its_built_in_id()
    {
        string assignments = string.Join('\n', Bicep.Resources("Microsoft.Authorization/roleAssignments").Select(r => r["properties"]!["roleDefinitionId"]!.GetValue<string>()));
        JsonObject rolesModule = Bicep.Descendants(Bicep.Template).Single(o => o["variables"]?["storageBlobDataOwner"] is not null);
        Dictionary<string, string> variables = rolesModule["variables"]!.AsObject().ToDictionary(p => p.Value!.ToString(), p => p.Key);

        Assert.All(RequiredRoles, role =>
        {
            Assert.True(variables.TryGetValue(role.Value, out string? variable), $"{role.Key} ({role.Value}) is not declared");
            Assert.Contains($"variables('{variable}')", assignments, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_service_bus_sender_role_is_scoped_to_the_events_topic_only()
    {
        JsonObject sender = Bicep.Resources("Microsoft.Authorization/roleAssignments")
            .Single(r => r["properties"]!["roleDefinitionId"]!.GetValue<string>().Contains("serviceBusDataSender", StringComparison.Ordinal));
        Assert.Contains("topics", sender["scope"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_accounts_refuse_shared_keys_and_public_blobs()
    {
        IReadOnlyList<JsonObject> accounts = [.. Bicep.Resources("Microsoft.Storage/storageAccounts")];
        Assert.Equal(2, accounts.Count);
        Assert.All(accounts, a => Assert.Equal("[variables('hardened')]", a["properties"]!.GetValue<string>()));
        JsonObject hardened = Bicep.Descendants(Bicep.Template).Single(o => o["hardened"] is not null)["hardened"]!.AsObject();
        Assert.Equal((false, false, "TLS1_2"), (hardened["allowSharedKeyAccess"]!.GetValue<bool>(), hardened["allowBlobPublicAccess"]!.GetValue<bool>(), hardened["minimumTlsVersion"]!.GetValue<string>()));
    }

    [Fact]
    public void With_the_vnet_option_storage_key_vault_and_service_bus_are_reached_only_through_private_endpoints()
    {
        JsonObject app = Bicep.Descendants(Bicep.Template).Single(o => o["resources"] is JsonObject or JsonArray && o["parameters"]?["vnetEnabled"] is not null && o["parameters"]?["refreshTokenSecretStored"] is not null && o["variables"]?["taskHubName"] is not null);
        string[] privateOnly = [.. Bicep.Descendants(app).Where(o => o["type"]?.ToString() == "Microsoft.Resources/deployments" && o["properties"]?["parameters"]?["privateOnly"] is not null)
            .Select(o => $"{o["name"]}={o["properties"]!["parameters"]!["privateOnly"]!["value"]}")];
        JsonObject hardened = Bicep.Descendants(Bicep.Template).Single(o => o["hardened"] is not null)["hardened"]!.AsObject();
        JsonNode vault = Assert.Single(Bicep.Resources("Microsoft.KeyVault/vaults"))["properties"]!;
        JsonObject serviceBus = Assert.Single(Bicep.Resources("Microsoft.ServiceBus/namespaces"));
        JsonObject endpointsModule = Bicep.Descendants(Bicep.Template).Single(o => o["type"]?.ToString() == "Microsoft.Resources/deployments" && o["name"]?.ToString() == "privateendpoints");
        string[] groups = [.. Bicep.Descendants(Bicep.Template).Single(o => o["variables"]?["endpoints"] is JsonArray)["variables"]!["endpoints"]!.AsArray().Select(e => $"{e!["name"]}:{e["group"]}")];

        Assert.Equal(["keyvault=[parameters('vnetEnabled')]", "servicebus=[parameters('vnetEnabled')]", "storage=[parameters('vnetEnabled')]"], privateOnly.Order());
        Assert.Equal(("[if(parameters('privateOnly'), 'Disabled', 'Enabled')]", "[if(parameters('privateOnly'), 'Deny', 'Allow')]"), (hardened["publicNetworkAccess"]!.ToString(), hardened["networkAcls"]!["defaultAction"]!.ToString()));
        Assert.Equal("[if(parameters('privateOnly'), 'Disabled', 'Enabled')]", vault["publicNetworkAccess"]!.ToString());
        Assert.Equal("[if(parameters('privateOnly'), 'Disabled', 'Enabled')]", serviceBus["properties"]!["publicNetworkAccess"]!.ToString());
        Assert.Contains("'Premium'", serviceBus["sku"]!.ToString(), StringComparison.Ordinal); // Service Bus private endpoints need Premium
        Assert.Equal("[parameters('vnetEnabled')]", endpointsModule["condition"]!.ToString());
        Assert.Equal(["runtime-blob:blob", "runtime-queue:queue", "runtime-table:table", "data-table:table", "vault:vault", "servicebus:namespace"], groups);
    }

    [Fact]
    public void Key_vault_uses_rbac_with_purge_protection()
    {
        JsonNode vault = Assert.Single(Bicep.Resources("Microsoft.KeyVault/vaults"))["properties"]!;
        Assert.Equal((true, true), (vault["enableRbacAuthorization"]!.GetValue<bool>(), vault["enablePurgeProtection"]!.GetValue<bool>()));
    }

    [Fact]
    public void Local_authentication_is_off_for_service_bus_and_application_insights()
    {
        Assert.True(Assert.Single(Bicep.Resources("Microsoft.ServiceBus/namespaces"))["properties"]!["disableLocalAuth"]!.GetValue<bool>());
        Assert.True(Assert.Single(Bicep.Resources("Microsoft.Insights/components"))["properties"]!["DisableLocalAuth"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("functionAppName")]
    [InlineData("webhookUrl")]
    public void The_deployment_outputs(string name)
    {
        Assert.NotNull(Bicep.Template["outputs"]![name]);
    }

    [Fact]
    public void No_file_under_infra_holds_a_secret_key_or_connection_string()
    {
        foreach (string file in Directory.EnumerateFiles(Bicep.InfraDirectory, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotMatch(CredentialPattern(), File.ReadAllText(file));
            Assert.DoesNotContain("listKeys(", File.ReadAllText(file), StringComparison.OrdinalIgnoreCase);
        }
    }

    [GeneratedRegex("AccountKey=|SharedAccessKey|DefaultEndpointsProtocol=|InstrumentationKey=|Password=|client_secret|-----BEGIN", RegexOptions.IgnoreCase)]
    private static partial Regex CredentialPattern();
}
