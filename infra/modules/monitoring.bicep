// Log Analytics + Application Insights. Local (key) authentication is off: telemetry is accepted only from Entra identities.
@description('Azure region.')
param location string

@description('Tags.')
param tags object

@description('Short unique token.')
param resourceToken string

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-bundlefunctions-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-bundlefunctions-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

@description('Application Insights name.')
output applicationInsightsName string = insights.name

@description('Application Insights connection string: an identifier, not a credential (local auth is off, ingestion needs Entra).')
output applicationInsightsConnectionString string = insights.properties.ConnectionString
