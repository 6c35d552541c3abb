// The Functions app on Flex Consumption (.NET 10 isolated), running as the user-assigned identity. Every connection in
// its settings is identity-based: endpoints and the identity's client ID, never a key.
@description('Azure region.')
param location string

@description('Tags.')
param tags object

@description('Short unique token.')
param resourceToken string

@description('Resource ID of the user-assigned identity.')
param identityId string

@description('Client ID of the user-assigned identity.')
param identityClientId string

@description('Runtime account blob endpoint.')
param runtimeBlobEndpoint string

@description('Runtime account queue endpoint.')
param runtimeQueueEndpoint string

@description('Runtime account table endpoint.')
param runtimeTableEndpoint string

@description('Blob container that receives the app package.')
param deploymentContainerName string

@description('Data account table endpoint.')
param dataTableEndpoint string

@description('Service Bus fully qualified namespace.')
param serviceBusNamespace string

@description('Events topic.')
param eventsTopicName string

@description('Key Vault URI.')
param keyVaultUri string

@description('Partner tenant ID.')
param partnerTenantId string

@description('Client ID of the partner\'s multi-tenant app.')
param appClientId string

@description('Client ID of the BundleFunctions API app registration; empty for function keys only.')
param signInAppClientId string

@description('UPN of the partner\'s service account.')
param serviceAccountUserPrincipalName string

@description('Application Insights connection string (an identifier; ingestion is Entra-authenticated).')
param applicationInsightsConnectionString string

@description('Durable task hub name.')
param taskHubName string

@description('Subnet for VNet integration; empty for none.')
param subnetId string

@description('Most instances.')
param maximumInstanceCount int

@description('Memory of one instance, in MB.')
param instanceMemoryMB int

@description('Name of the Key Vault secret that keeps the service account\'s refresh token.')
param refreshTokenSecretName string

// Name of the Key Vault secret with the app credential an operator stores after deployment (infra/README.md, "After deployment").
var appSecretName = 'microsoft-cloud-app-secret'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-bundlefunctions-${resourceToken}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: 'func-bundlefunctions-${resourceToken}'
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${runtimeBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // One instance of the Durable group always warm, as Microsoft recommends for Durable Functions on Flex Consumption:
        // orchestrations and timers then never wait for a cold start (learn.microsoft.com/azure/azure-functions/flex-consumption-plan).
        alwaysReady: [
          {
            name: 'durable'
            instanceCount: 1
          }
        ]
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [
        // Functions runtime + Durable task hub storage, through the managed identity.
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
        { name: 'AzureWebJobsStorage__blobServiceUri', value: runtimeBlobEndpoint }
        { name: 'AzureWebJobsStorage__queueServiceUri', value: runtimeQueueEndpoint }
        { name: 'AzureWebJobsStorage__tableServiceUri', value: runtimeTableEndpoint }
        { name: 'TASKHUB_NAME', value: taskHubName }
        // The product's own tables.
        { name: 'BundleData__credential', value: 'managedidentity' }
        { name: 'BundleData__clientId', value: identityClientId }
        { name: 'BundleData__tableServiceUri', value: dataTableEndpoint }
        // Events out.
        { name: 'ServiceBusConnection__fullyQualifiedNamespace', value: serviceBusNamespace }
        { name: 'ServiceBusConnection__credential', value: 'managedidentity' }
        { name: 'ServiceBusConnection__clientId', value: identityClientId }
        { name: 'Events__TopicName', value: eventsTopicName }
        // The partner's Microsoft cloud identity. The two secrets are Key Vault references: the platform resolves them
        // with keyVaultReferenceIdentity, so the values never appear in the template, the settings or the deployment.
        { name: 'MicrosoftCloud__PartnerTenantId', value: partnerTenantId }
        { name: 'MicrosoftCloud__ClientId', value: appClientId }
        // Sign-in: the API reads the roles of the caller App Service authentication validated (X-MS-CLIENT-PRINCIPAL).
        { name: 'Api__SignInAppId', value: signInAppClientId }
        { name: 'MicrosoftCloud__ServiceAccountUserPrincipalName', value: serviceAccountUserPrincipalName }
        { name: 'MicrosoftCloud__ClientSecret', value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${appSecretName})' }
        { name: 'MicrosoftCloud__ServiceAccountRefreshToken', value: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${refreshTokenSecretName})' }
        // Entra rotates the refresh token on every use: the app writes each new one back as the secret's next version.
        { name: 'MicrosoftCloud__ServiceAccountRefreshTokenSecretUri', value: '${keyVaultUri}secrets/${refreshTokenSecretName}' }
        { name: 'MicrosoftCloud__KeyVaultIdentityClientId', value: identityClientId }
        // Telemetry, Entra-authenticated (local auth is off on the component).
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: applicationInsightsConnectionString }
        { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
      ]
    }
  }
}

// App Service authentication (Easy Auth) validates Entra ID tokens for the BundleFunctions API, issued by the partner tenant,
// and hands the caller's claims to the app. Unauthenticated requests still reach the Functions host: the webhook, the
// admin-consent callback and health are anonymous by design, and every other route demands the function key there; the
// app itself gives a caller without a token Reader and Operator only (src/BundleFunctions.Api/ApiAccess.cs).
resource authentication 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(signInAppClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: signInAppClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${partnerTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            signInAppClientId
            'api://${signInAppClientId}'
          ]
        }
      }
    }
  }
}

@description('App name.')
output name string = site.name

@description('Default host name.')
output defaultHostName string = site.properties.defaultHostName
