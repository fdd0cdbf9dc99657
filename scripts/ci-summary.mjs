// Prints vitest JSON reports as per-project counts and a last line `N passed, N failed`, so a
// run that executed no test is visible. Each failed test is named (file, test, first lines of its
// error) just above the counts: CI keeps only the tail of a long log, and a flake that is not
// named cannot be replayed. Exits 1 when a report is missing, nothing ran, or
// anything failed (including a file that failed to load, which has no test results).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const files = process.argv.slice(2);
let passed = 0;
let failed = 0;
let ok = files.length > 0;
for (const file of files) {
  const project = basename(file, '.json');
  let report;
  try {
    report = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.log(`${project}: no vitest report (${e.message})`);
    ok = false;
    continue;
  }
  const p = report.numPassedTests ?? 0;
  const f = report.numFailedTests ?? 0;
  const brokenFiles = (report.testResults ?? []).filter((r) => r.status === 'failed' && (r.assertionResults ?? []).length === 0);
  for (const b of brokenFiles) console.log(`${project}: ${b.name} failed to run: ${(b.message ?? '').split('\n')[0]}`);
  for (const line of failedTestLines(project, report)) console.log(line);
  console.log(`${project}: ${p} passed, ${f} failed, ${report.numPendingTests ?? 0} skipped, ${report.numTotalTestSuites ?? 0} suites`);
  passed += p;
  failed += f + brokenFiles.length;
  if (p === 0 || !report.success) ok = false;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);

/** `project: FAILED file > test` and the first lines of its first error, for every failed test. */
function failedTestLines(project, report) {
  const lines = [];
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status !== 'failed') continue;
      lines.push(`${project}: FAILED ${relativeName(file.name)} > ${t.fullName ?? t.title}`);
      // the message's lines (at most 4), then the stack's first frame: where it failed
      const message = ((t.failureMessages ?? [])[0] ?? '').split('\n').filter((x) => x.trim() !== '');
      const firstFrame = message.findIndex((l) => /^\s*at /.test(l));
      const text = firstFrame < 0 ? message.slice(0, 4) : [...message.slice(0, Math.min(firstFrame, 4)), message[firstFrame]];
      for (const l of text) lines.push(`    ${l.slice(0, 300)}`);
    }
  }
  return lines;
}

function relativeName(path) {
  const i = path.indexOf('/test/');
  return i >= 0 ? path.slice(i + 1) : path;
}
