// Service Bus namespace with the topic that carries the product's events (onboarding.*, customer.shieldChanged, …).
// Local (SAS key) authentication is off.
@description('Azure region.')
param location string

@description('Tags.')
param tags object

@description('Short unique token.')
param resourceToken string

@description('Name of the events topic.')
param topicName string

@description('Reachable only through a private endpoint (the VNet option): public network access off. Private endpoints need the Premium tier.')
param privateOnly bool

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: 'sb-bundlefunctions-${resourceToken}'
  location: location
  tags: tags
  sku: privateOnly ? { name: 'Premium', tier: 'Premium', capacity: 1 } : { name: 'Standard', tier: 'Standard' }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: privateOnly ? 'Disabled' : 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2024-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    defaultMessageTimeToLive: 'P14D'
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
  }
}

@description('Namespace resource ID.')
output id string = namespace.id

@description('Namespace name.')
output namespaceName string = namespace.name

@description('Fully qualified namespace, e.g. sb-x.servicebus.windows.net (from the endpoint, so no cloud suffix is hard-coded).')
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]
