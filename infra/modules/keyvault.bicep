// Key Vault for the Graph / Partner Center app credential. RBAC mode (no access policies), soft delete and purge
// protection on. The template creates no secret: an operator stores the credential after deployment.
@description('Azure region.')
param location string

@description('Tags.')
param tags object

@description('Short unique token.')
param resourceToken string

@description('Reachable only through a private endpoint (the VNet option): public network access off.')
param privateOnly bool

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: 'kv-bundle-${resourceToken}'
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
    networkAcls: {
      defaultAction: privateOnly ? 'Deny' : 'Allow'
      bypass: 'None'
    }
  }
}

@description('Vault resource ID.')
output id string = vault.id

@description('Vault name.')
output name string = vault.name

@description('Vault URI.')
output vaultUri string = vault.properties.vaultUri
