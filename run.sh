#!/usr/bin/env bash
# See it work: ./run.sh onboards a sample customer end to end against the Microsoft cloud simulator and prints each step.
#              ./run.sh serve leaves the stack running for your own API calls, until Ctrl-C.
# Starts Azurite, the simulator (https://127.0.0.1:7443) and the LocalHost (http://127.0.0.1:7071); stops all of them on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
root="$(pwd)"
mode="${1:-demo}"
case "$mode" in demo|serve) ;; *) echo "usage: $0 [serve]" >&2; exit 2 ;; esac
for tool in dotnet node npm; do command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is required but not on PATH" >&2; exit 1; }; done
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

state="$root/.run"
mkdir -p "$state"
pids=()
started_azurite=0
cleanup() {
  # TERM first (the LocalHost stops within LocalHost:ShutdownTimeout, 3 s); whatever is still up after 10 s gets KILL (the LocalHost's state is durable, so a hard stop loses nothing).
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && break
    sleep 0.2
  done
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done  # reap quietly (no "Killed" line)
  if [ "$started_azurite" = 1 ]; then scripts/azurite.sh stop >/dev/null; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 7071 7443 4001; do
  if port_open "$port"; then echo "run.sh: port $port is in use (another ./run.sh serve?)" >&2; exit 1; fi
done

echo "== preparing (npm ci, NuGet restore and build on the first run)"
if ! scripts/azurite.sh running >/dev/null 2>&1; then scripts/azurite.sh start >/dev/null; started_azurite=1; fi
dotnet build BundleFunctions.sln -c Release -nologo -v:quiet -clp:ErrorsOnly

echo "== starting the Microsoft cloud simulator"
rm -f "$state/simulator.pem"
dotnet src/MicrosoftCloudSimulator/bin/Release/net10.0/MicrosoftCloudSimulator.dll --Simulator:Port=7443 --Simulator:CertificateFile="$state/simulator.pem" \
  --Logging:LogLevel:Default=Warning >"$state/simulator.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do grep -q "Webhook signing certificate thumbprint" "$state/simulator.log" 2>/dev/null && break; sleep 0.2; done
https_thumbprint=$(sed -n 's/.*HTTPS certificate thumbprint (pin it): //p' "$state/simulator.log")
signing_thumbprint=$(sed -n 's/.*Webhook signing certificate thumbprint: //p' "$state/simulator.log")
[ -n "$https_thumbprint" ] || { echo "run.sh: the simulator did not start; see $state/simulator.log" >&2; exit 1; }

echo "== starting the LocalHost (Durable Task sidecar on Azurite + the HTTP API)"
key="local-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
(umask 077; printf '%s' "$key" >"$state/key")
(
  cd src/BundleFunctions.LocalHost/bin/Release/net10.0
  # Each run has its own task hub, tables and event queue: a shared Azurite (the tests', an earlier run's) never leaks in.
  run_id="run$(date +%s)"
  export LocalHost__TaskHubName="$run_id" Tables__Prefix="$run_id" Events__QueueName="$run_id-events" Logging__LogLevel__Default=Warning \
    MicrosoftCloud__PartnerTenantId=7f5b1c2e-0000-4a6b-9c1d-5e2f3a4b5c6d MicrosoftCloud__ClientId=b7a1c3e5-3333-4a6b-9c1d-000000000001 \
    MicrosoftCloud__ClientSecret=sim-only-client-secret MicrosoftCloud__ServiceAccountUserPrincipalName=svc-bundle@contosomsp.onmicrosoft.com \
    MicrosoftCloud__ServiceAccountRefreshToken=sim-refresh-token-svc-bundle MicrosoftCloud__AuthorityHost=https://127.0.0.1:7443/ \
    MicrosoftCloud__GraphBaseUrl=https://127.0.0.1:7443/v1.0 MicrosoftCloud__PartnerCenterBaseUrl=https://127.0.0.1:7443/partnercenter \
    MicrosoftCloud__PinnedCertificateThumbprint="$https_thumbprint" Api__FunctionKey="$key" Api__SignInAppId=b7a1c3e5-5555-4a6b-9c1d-000000000001 \
    MICROSOFT_PROVIDER_AUTHENTICATION_SECRET=sim-only-api-secret \
    Api__WebhookCertificateHosts__0=127.0.0.1:7443 Api__WebhookTrustAnchorThumbprint="$signing_thumbprint" \
    Workflow__ApprovalFirstPoll=00:05:00 Workflow__FollowUpFirstPoll=00:00:00.500
  exec dotnet BundleFunctions.LocalHost.dll
) >"$state/localhost.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 150); do port_open 7071 && break; sleep 0.2; done
port_open 7071 || { echo "run.sh: the LocalHost did not start; see $state/localhost.log" >&2; exit 1; }

export NODE_EXTRA_CA_CERTS="$state/simulator.pem" API=http://127.0.0.1:7071 KEY="$key" SIM=https://127.0.0.1:7443
# Registering the webhook is an Administrator action: the seeded Automation system signs in for it (the key cannot).
node scripts/register-webhook.mjs
echo "== webhook registered with the simulated Partner Center"
echo "== partner readiness (GET /api/readiness)"
node scripts/readiness.mjs || { echo "run.sh: a blocking readiness check fails; see its fix above" >&2; exit 1; }

if [ "$mode" = demo ]; then
  echo "== onboarding a sample customer"
  node scripts/demo.mjs
  exit $?
fi

# The same commands as the README's "Try it yourself", so they work verbatim there too.
cat <<INFO

The stack is running; Ctrl-C stops it. The API key is in .run/key; the simulator's certificate in .run/simulator.pem.
  API:        $API
  Simulator:  $SIM
  Sign in:    $API/.auth/login/aad as reader@, operator@ or admin@contosomsp.onmicrosoft.com (Reader, Operator,
              Administrator; the simulator asks no password); /.auth/me says who you are, /.auth/logout ends it
In another terminal, from $root:

API=http://127.0.0.1:7071 KEY=\$(cat .run/key) ID=onb-7f5b1c2e00004a6b9c1d5e2f3a4b5c6d-c0000004000040008000000000000004
# start onboarding Woodgrove Bank (202 + Location; the id is deterministic: partner + customer)
curl -s -X POST \$API/api/onboardings -H "x-functions-key: \$KEY" -H 'Content-Type: application/json' -d '{"customerTenantId":"c0000004-0000-4000-8000-000000000004","customerName":"Woodgrove Bank","organizationId":"PSA-1004"}' -i
sleep 5   # groups, relationship and lock take a few seconds
# its status: waitingForCustomer, with the approval link and the relationship id
curl -s \$API/api/onboardings/\$ID -H "x-functions-key: \$KEY"
# approve as the customer's Global Administrator would (the simulator's hook), then watch it turn green
REL=\$(curl -s \$API/api/onboardings/\$ID -H "x-functions-key: \$KEY" | sed -n 's/.*"relationshipId":"\([^"]*\)".*/\1/p')
curl -s --cacert .run/simulator.pem -X POST https://127.0.0.1:7443/_sim/relationships/\$REL/approve -H 'Content-Type: application/json' -d '{"customerTenantId":"c0000004-0000-4000-8000-000000000004"}'
INFO
wait "${pids[@]}"
