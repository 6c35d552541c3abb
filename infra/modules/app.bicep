// Everything inside the resource group, composed from one module per concern.
@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Short unique token for globally unique names.')
param resourceToken string

@description('Object ID that may store the app credential in Key Vault; empty for none.')
param credentialAdminPrincipalId string

@description('Partner tenant ID.')
param partnerTenantId string

@description('Client ID of the partner\'s multi-tenant app.')
param appClientId string

@description('Client ID of the BundleFunctions API app registration; empty for function keys only.')
param signInAppClientId string

@description('UPN of the partner\'s service account.')
param serviceAccountUserPrincipalName string

@description('Integrate the app with a new virtual network.')
param vnetEnabled bool

@description('Whether the service account\'s refresh-token secret has been stored in Key Vault (see infra/README.md).')
param refreshTokenSecretStored bool

@description('Most Flex Consumption instances.')
param maximumInstanceCount int

@description('Memory of one instance, in MB.')
param instanceMemoryMB int

var taskHubName = 'bundlehub${resourceToken}'
var eventsTopicName = 'onboarding-events'
var refreshTokenSecretName = 'service-account-refresh-token'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: 'id-bundlefunctions-${resourceToken}'
  location: location
  tags: tags
}

module storage 'storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    privateOnly: vnetEnabled
  }
}

module monitoring 'monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
  }
}

module serviceBus 'servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    privateOnly: vnetEnabled
    topicName: eventsTopicName
  }
}

module keyVault 'keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    privateOnly: vnetEnabled
  }
}

module network 'network.bicep' = if (vnetEnabled) {
  name: 'network'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
  }
}

module privateEndpoints 'privateendpoints.bicep' = if (vnetEnabled) {
  name: 'privateendpoints'
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    vnetId: network!.outputs.vnetId
    subnetId: network!.outputs.privateEndpointSubnetId
    runtimeStorageId: storage.outputs.runtimeStorageId
    dataStorageId: storage.outputs.dataStorageId
    keyVaultId: keyVault.outputs.id
    serviceBusId: serviceBus.outputs.id
  }
}

// After the roles (and, with the VNet option, the private endpoints): the app's first start reads storage, the vault and
// the topic with them, and would meet a 403 (or no route) before.
module functionApp 'functionapp.bicep' = {
  name: 'functionapp'
  dependsOn: [
    roles
    privateEndpoints
  ]
  params: {
    location: location
    tags: tags
    resourceToken: resourceToken
    identityId: identity.id
    identityClientId: identity.properties.clientId
    runtimeBlobEndpoint: storage.outputs.runtimeBlobEndpoint
    runtimeQueueEndpoint: storage.outputs.runtimeQueueEndpoint
    runtimeTableEndpoint: storage.outputs.runtimeTableEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    dataTableEndpoint: storage.outputs.dataTableEndpoint
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    eventsTopicName: eventsTopicName
    keyVaultUri: keyVault.outputs.vaultUri
    partnerTenantId: partnerTenantId
    appClientId: appClientId
    signInAppClientId: signInAppClientId
    serviceAccountUserPrincipalName: serviceAccountUserPrincipalName
    applicationInsightsConnectionString: monitoring.outputs.applicationInsightsConnectionString
    taskHubName: taskHubName
    refreshTokenSecretName: refreshTokenSecretName
    subnetId: vnetEnabled ? network!.outputs.appSubnetId : ''
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

module roles 'roles.bicep' = {
  name: 'roles'
  params: {
    principalId: identity.properties.principalId
    runtimeStorageName: storage.outputs.runtimeStorageName
    dataStorageName: storage.outputs.dataStorageName
    serviceBusNamespaceName: serviceBus.outputs.namespaceName
    eventsTopicName: eventsTopicName
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    credentialAdminPrincipalId: credentialAdminPrincipalId
    refreshTokenSecretName: refreshTokenSecretName
    refreshTokenSecretStored: refreshTokenSecretStored
  }
}

@description('Name of the Functions app.')
output functionAppName string = functionApp.outputs.name

@description('Partner Center webhook URL.')
output webhookUrl string = 'https://${functionApp.outputs.defaultHostName}/api/webhooks/partner-center'

@description('Key Vault name.')
output keyVaultName string = keyVault.outputs.name

@description('Durable task hub name.')
output taskHubName string = taskHubName
