// With the VNet option: a private endpoint for each data plane the app uses (runtime storage blob/queue/table, data
// storage table, Key Vault, Service Bus), each registered in its privatelink DNS zone linked to the VNet, so the app
// resolves the usual host names to private addresses while the resources' public access is off.
@description('Azure region.')
param location string

@description('Tags.')
param tags object

@description('Short unique token.')
param resourceToken string

@description('The virtual network the zones are linked to.')
param vnetId string

@description('Subnet of the private endpoints.')
param subnetId string

@description('Runtime storage account.')
param runtimeStorageId string

@description('Data storage account.')
param dataStorageId string

@description('Key Vault.')
param keyVaultId string

@description('Service Bus namespace.')
param serviceBusId string

// One entry per endpoint: the resource, its sub-resource (group) and the privatelink zone of that group.
var endpoints = [
  { name: 'runtime-blob', id: runtimeStorageId, group: 'blob', zone: 'privatelink.blob.${environment().suffixes.storage}' }
  { name: 'runtime-queue', id: runtimeStorageId, group: 'queue', zone: 'privatelink.queue.${environment().suffixes.storage}' }
  { name: 'runtime-table', id: runtimeStorageId, group: 'table', zone: 'privatelink.table.${environment().suffixes.storage}' }
  { name: 'data-table', id: dataStorageId, group: 'table', zone: 'privatelink.table.${environment().suffixes.storage}' }
  { name: 'vault', id: keyVaultId, group: 'vault', zone: 'privatelink.vaultcore.azure.net' }
  { name: 'servicebus', id: serviceBusId, group: 'namespace', zone: 'privatelink.servicebus.windows.net' }
]

var zones = union(map(endpoints, e => e.zone), [])

resource dnsZones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in zones: {
    name: zone
    location: 'global'
    tags: tags
  }
]

resource zoneLinks 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in zones: {
    parent: dnsZones[i]
    name: 'link-${resourceToken}'
    location: 'global'
    tags: tags
    properties: {
      virtualNetwork: { id: vnetId }
      registrationEnabled: false
    }
  }
]

resource privateEndpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for e in endpoints: {
    name: 'pe-${e.name}-${resourceToken}'
    location: location
    tags: tags
    properties: {
      subnet: { id: subnetId }
      privateLinkServiceConnections: [
        {
          name: e.name
          properties: {
            privateLinkServiceId: e.id
            groupIds: [ e.group ]
          }
        }
      ]
    }
  }
]

resource zoneGroups 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (e, i) in endpoints: {
    parent: privateEndpoints[i]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: replace(e.zone, '.', '-')
          properties: { privateDnsZoneId: resourceId('Microsoft.Network/privateDnsZones', e.zone) }
        }
      ]
    }
    dependsOn: [
      dnsZones
    ]
  }
]
