// The demo an external system would run: start an onboarding over the public API, follow it, play the customer.
// Env: API (LocalHost base URL), KEY (function key), SIM (simulator base URL; trusted via NODE_EXTRA_CA_CERTS).
const { API, KEY, SIM } = process.env;
const customer = { customerTenantId: 'c0000001-0000-4000-8000-000000000001', customerName: 'Fabrikam Pharma Ltd', organizationId: 'PSA-1001' };
const headers = { 'x-functions-key': KEY, 'content-type': 'application/json' };
const t0 = Date.now();
const at = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s`;
const say = (line) => console.log(`${at()}  ${line}`);

const started = await fetch(`${API}/api/onboardings`, { method: 'POST', headers, body: JSON.stringify(customer) });
if (started.status !== 202) { console.error(`Start refused: ${started.status} ${await started.text()}`); process.exit(1); }
const location = started.headers.get('location');
say(`Onboarding started for ${customer.customerName}: ${location}`);

const seen = new Map();
let approvedAt = null;
const deadline = Date.now() + 120_000;
while (Date.now() < deadline) {
  const doc = await (await fetch(`${API}${location}`, { headers })).json();
  for (const step of doc.steps ?? []) {
    const key = `${step.name}:${step.status}`;
    if (seen.has(key) || step.status === 'pending') continue;
    seen.set(key, true);
    if (step.status === 'running') say(`▶ ${step.name}`);
    else {
      const took = step.startedAt && step.completedAt ? ` (${((new Date(step.completedAt) - new Date(step.startedAt)) / 1000).toFixed(1)} s)` : '';
      say(`${{ succeeded: '✔', skipped: '–' }[step.status] ?? '✖'} ${step.name}${took} ${step.message ?? ''}`);
      if (step.name === 'awaitCustomerApproval' && step.status === 'succeeded' && approvedAt) {
        say(`  webhook arrived and was acted on ${((Date.now() - approvedAt) / 1000).toFixed(1)} s after the customer approved`);
      }
    }
  }

  if (doc.status === 'waitingForCustomer' && !approvedAt) {
    say(`Approval link for the customer's Global Administrator:\n         ${doc.invitationUrl}`);
    await new Promise((r) => setTimeout(r, 1000));
    const approve = await fetch(`${SIM}/_sim/relationships/${doc.relationshipId}/approve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ customerTenantId: customer.customerTenantId }) });
    if (!approve.ok) { console.error(`Approval failed: ${await approve.text()}`); process.exit(1); }
    approvedAt = Date.now();
    say('The customer approved in the Microsoft 365 admin center (simulated). Waiting for Partner Center\'s webhook…');
  }

  if (['succeeded', 'failed', 'cancelled'].includes(doc.status)) {
    say(`Onboarding ${doc.status}. Shield: ${doc.shield.toUpperCase()}`);
    process.exit(doc.status === 'succeeded' && doc.shield === 'green' ? 0 : 1);
  }

  await new Promise((r) => setTimeout(r, 300));
}

console.error('The onboarding did not finish within two minutes.');
process.exit(1);
