#!/usr/bin/env bash
# The whole test suite, from a fresh clone: restores, builds (warnings are errors), publishes the Functions app,
# starts its own Azurite, runs every test project, stops what it started, and prints the totals.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root="$(pwd)"

for tool in dotnet node npm; do
  command -v "$tool" >/dev/null || { echo "test.sh: '$tool' is required but not on PATH" >&2; exit 1; }
done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 Logging__LogLevel__Default=Warning

# Azurite: reuse one this repository already runs (./run.sh serve), else start one and stop it on exit.
started_azurite=0
if ! scripts/azurite.sh running >/dev/null 2>&1; then
  scripts/azurite.sh start
  started_azurite=1
fi
cleanup() { if [ "$started_azurite" = 1 ]; then scripts/azurite.sh stop; fi; }
trap cleanup EXIT

echo "== build"
dotnet build BundleFunctions.sln -c Release -nologo -clp:NoSummary -v:quiet
echo "== publish the Functions app"
dotnet publish src/BundleFunctions/BundleFunctions.csproj -c Release --no-build -o artifacts/functions -nologo -v:quiet
export FUNCTIONS_PUBLISH_DIR="$root/artifacts/functions"

echo "== test"
log="$(mktemp)"
status=0
dotnet test BundleFunctions.sln -c Release --no-build -nologo 2>&1 | tee "$log" || status=$?

# One plain total across the test assemblies (each prints "Failed: F, Passed: P, Skipped: S").
awk '/(Passed|Failed)!  - Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit "$status"
