// Two accounts: one for the Functions runtime and the Durable task hub (blobs, queues, tables), one for the product's own
// tables (onboardings, audit trail, outbox), so task-hub load and retention never touch business data.
// Shared-key access is off: only Entra identities (the app's managed identity) can read or write.
@description('Azure region.')
param location string

@description('Tags.')
param tags object

@description('Short unique token for globally unique names.')
param resourceToken string

@description('Reachable only through private endpoints (the VNet option): public network access off.')
param privateOnly bool

var deploymentContainerName = 'app-package-${resourceToken}'

var hardened = {
  accessTier: 'Hot'
  allowBlobPublicAccess: false
  allowSharedKeyAccess: false
  minimumTlsVersion: 'TLS1_2'
  supportsHttpsTrafficOnly: true
  defaultToOAuthAuthentication: true
  publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
  networkAcls: {
    defaultAction: privateOnly ? 'Deny' : 'Allow'
    bypass: 'None'
  }
}

resource runtime 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'strt${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: hardened
}

resource runtimeBlobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: runtime
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: runtimeBlobs
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource data 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'stdt${resourceToken}'
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_ZRS' }
  properties: hardened
}

@description('Runtime account resource ID.')
output runtimeStorageId string = runtime.id

@description('Data account resource ID.')
output dataStorageId string = data.id

@description('Runtime account name.')
output runtimeStorageName string = runtime.name

@description('Runtime blob endpoint.')
output runtimeBlobEndpoint string = runtime.properties.primaryEndpoints.blob

@description('Runtime queue endpoint.')
output runtimeQueueEndpoint string = runtime.properties.primaryEndpoints.queue

@description('Runtime table endpoint.')
output runtimeTableEndpoint string = runtime.properties.primaryEndpoints.table

@description('Container that receives the app package.')
output deploymentContainerName string = deploymentContainer.name

@description('Data account name.')
output dataStorageName string = data.name

@description('Data table endpoint.')
output dataTableEndpoint string = data.properties.primaryEndpoints.table
