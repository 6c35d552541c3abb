#!/usr/bin/env bash
# The benchmark: figures and ratios for reaction time and bulk onboarding (see bench/BundleFunctions.Benchmarks).
#   ./bench.sh [--customers 20] [--samples 5]
# Builds in Release, uses a running Azurite or starts (and stops) its own; everything else is in-process or a child process.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
started_azurite=0
if ! scripts/azurite.sh running >/dev/null 2>&1; then scripts/azurite.sh start >/dev/null; started_azurite=1; fi
trap 'if [ "$started_azurite" = 1 ]; then scripts/azurite.sh stop >/dev/null; fi' EXIT
dotnet build BundleFunctions.sln -c Release -nologo -v:quiet -clp:ErrorsOnly
dotnet bench/BundleFunctions.Benchmarks/bin/Release/net10.0/BundleFunctions.Benchmarks.dll "$@"
