// Prints the partner readiness report (GET /api/readiness): one line per check, and the fix for each that does not pass.
// Exits 1 when a blocking check fails, so a script can gate a batch on it.
const response = await fetch(`${process.env.API}/api/readiness`, { headers: { 'x-functions-key': process.env.KEY } });
if (!response.ok) {
  console.error(`readiness: ${response.status} ${await response.text()}`);
  process.exit(1);
}

const report = await response.json();
const marks = { pass: 'ok  ', warn: 'warn', fail: 'FAIL', notChecked: '--  ' };
for (const check of report.checks) {
  console.log(`  ${marks[check.state] ?? check.state} ${check.name}: ${check.seen}`);
  if (check.state !== 'pass' && check.fix) console.log(`       fix: ${check.fix}`);
}

console.log(`  readiness: ${report.status}${report.blocker ? ` (onboardings stop at ${report.blocker})` : ''}`);
process.exit(report.blocker ? 1 : 0);
