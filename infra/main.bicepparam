using 'main.bicep'

// Example parameters; override on the command line: --parameters environmentName=prod location=westeurope
param environmentName = 'dev'
param location = 'westeurope'
param vnetEnabled = false
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
