// Optional virtual network for the app's outbound traffic. Flex Consumption integrates with a subnet delegated to
// Microsoft.App/environments.
@description('Azure region.')
param location string

@description('Tags.')
param tags object

@description('Short unique token.')
param resourceToken string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-bundlefunctions-${resourceToken}'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [ '10.20.0.0/16' ] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: '10.20.1.0/24'
          delegations: [
            {
              name: 'flex-consumption'
              properties: { serviceName: 'Microsoft.App/environments' }
            }
          ]
        }
      }
      {
        // Storage, Key Vault and Service Bus are reached here only: their public endpoints are off.
        name: 'private-endpoints'
        properties: {
          addressPrefix: '10.20.2.0/24'
        }
      }
    ]
  }
}

@description('The virtual network.')
output vnetId string = vnet.id

@description('Subnet of the private endpoints.')
output privateEndpointSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'private-endpoints')

@description('Subnet the app integrates with.')
output appSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'app')
