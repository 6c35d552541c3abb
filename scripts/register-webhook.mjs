// Registers the LocalHost's webhook receiver with the simulated Partner Center, as an administrator does: signed in with
// Entra ID (the seeded "Automation" system holds the BundleFunctions.Administrator role), since the function key stands
// for Reader and Operator only. Environment: API, SIM (NODE_EXTRA_CA_CERTS trusts the simulator's certificate).
const partnerTenant = '7f5b1c2e-0000-4a6b-9c1d-5e2f3a4b5c6d';
const issued = await fetch(`${process.env.SIM}/${partnerTenant}/oauth2/v2.0/token`, {
  method: 'POST',
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: 'b7a1c3e5-6666-4a6b-9c1d-000000000003',
    client_secret: 'sim-only-automation-secret',
    scope: 'api://b7a1c3e5-5555-4a6b-9c1d-000000000001/.default',
  }),
});
const { access_token: token, error_description: refused } = await issued.json();
if (!token) {
  console.error(`register-webhook: no token: ${refused}`);
  process.exit(1);
}

const registered = await fetch(`${process.env.API}/api/webhooks/partner-center/registration`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body: JSON.stringify({ webhookUrl: `${process.env.API}/api/webhooks/partner-center` }),
});
if (!registered.ok) {
  console.error(`register-webhook: ${registered.status} ${await registered.text()}`);
  process.exit(1);
}
