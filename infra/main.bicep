// BundleFunctions on Azure: one resource group with the Functions app (Flex Consumption, .NET 10 isolated) and what it
// needs. Every connection is identity-based (a user-assigned managed identity); no key or connection string is created
// or stored. Deploy: az deployment sub create --location <region> --template-file infra/main.bicep --parameters infra/main.bicepparam
targetScope = 'subscription'

@minLength(1)
@maxLength(20)
@description('Environment name (dev, test, prod, …): part of every resource name and of the task hub name.')
param environmentName string

@description('Azure region of every resource.')
param location string

@description('Object ID of a user or group that stores the Graph / Partner Center app credential in Key Vault (Key Vault Secrets Officer). Empty: nobody.')
param credentialAdminPrincipalId string = ''

@description('The partner (MSP) tenant ID. Empty: the app runs without a Microsoft connection and onboardings stop at the groups step saying so.')
param partnerTenantId string = ''

@description('Application (client) ID of the partner\'s multi-tenant app for Graph and Partner Center.')
param appClientId string = ''

@description('Application (client) ID of the BundleFunctions API app registration (app roles BundleFunctions.Reader, .Operator, .Administrator). Set: App Service authentication validates Entra ID tokens for it and the API reads their roles. Empty: function keys only (Reader and Operator routes).')
param signInAppClientId string = ''

@description('User principal name of the partner\'s service account (MFA enforced, in AdminAgents).')
param serviceAccountUserPrincipalName string = ''

@description('Set true once the service account\'s refresh token is stored in Key Vault (infra/README.md, "After deployment"): the app identity then gets write access to that one secret, to keep rotated tokens.')
param refreshTokenSecretStored bool = false

@description('Integrate the Functions app with a new virtual network (outbound traffic through it).')
param vnetEnabled bool = false

@description('Most instances the Flex Consumption plan may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of one instance, in MB (Flex Consumption sizes).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Tags added to every resource.')
param tags object = {}

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var allTags = union(tags, { 'azd-env-name': environmentName, application: 'bundlefunctions' })

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-bundlefunctions-${environmentName}'
  location: location
  tags: allTags
}

module app 'modules/app.bicep' = {
  name: 'bundlefunctions-app'
  scope: resourceGroup
  params: {
    location: location
    tags: allTags
    resourceToken: resourceToken
    credentialAdminPrincipalId: credentialAdminPrincipalId
    partnerTenantId: partnerTenantId
    appClientId: appClientId
    signInAppClientId: signInAppClientId
    serviceAccountUserPrincipalName: serviceAccountUserPrincipalName
    vnetEnabled: vnetEnabled
    refreshTokenSecretStored: refreshTokenSecretStored
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

@description('Resource group that holds everything.')
output resourceGroupName string = resourceGroup.name

@description('Name of the Functions app (for deployment: func azure functionapp publish / az functionapp deployment).')
output functionAppName string = app.outputs.functionAppName

@description('URL to register with Partner Center for webhook events (POST, authenticated by Partner Center\'s signature).')
output webhookUrl string = app.outputs.webhookUrl

@description('Key Vault that holds the Graph / Partner Center app credential.')
output keyVaultName string = app.outputs.keyVaultName

@description('Durable task hub name, unique to this environment.')
output taskHubName string = app.outputs.taskHubName
