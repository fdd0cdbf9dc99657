// scripts/ci-summary.mjs: CI keeps only the tail of its log, so the summary names every failed
// test (file, test, its error's first lines) above the counts and the last line
// `N passed, N failed`, and exits 1 when anything failed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const report = (tests: Array<{ title: string; status: string; message?: string }>) => ({
  numPassedTests: tests.filter((t) => t.status === 'passed').length,
  numFailedTests: tests.filter((t) => t.status === 'failed').length,
  numPendingTests: 0,
  numTotalTestSuites: 1,
  success: tests.every((t) => t.status !== 'failed'),
  testResults: [{
    name: '/x/webgrad/test/ops/a.test.ts',
    status: tests.some((t) => t.status === 'failed') ? 'failed' : 'passed',
    assertionResults: tests.map((t) => ({ title: t.title, fullName: `suite ${t.title}`, status: t.status, failureMessages: t.message ? [t.message] : [] })),
  }],
});

function summarize(reports: Record<string, unknown>) {
  const dir = mkdtempSync(join(tmpdir(), 'ci-summary-'));
  const paths = Object.entries(reports).map(([name, r]) => {
    const path = join(dir, `${name}.json`);
    writeFileSync(path, JSON.stringify(r));
    return path;
  });
  return spawnSync(process.execPath, ['scripts/ci-summary.mjs', ...paths], { encoding: 'utf8' });
}

describe('scripts/ci-summary.mjs', () => {
  it('names each failed test with its error above the last line, and exits 1', () => {
    const run = summarize({
      node: report([{ title: 'ok', status: 'passed' }]),
      chromium: report([{ title: 'ok', status: 'passed' }, { title: 'flaky', status: 'failed', message: 'AssertionError: 2 of 9 elements off (seed 41)\n\n    at x.ts:1' }]),
    });
    const lines = run.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('2 passed, 1 failed');
    expect(lines).toContain('chromium: FAILED test/ops/a.test.ts > suite flaky');
    expect(lines).toContain('    AssertionError: 2 of 9 elements off (seed 41)');
    expect(lines.indexOf('chromium: FAILED test/ops/a.test.ts > suite flaky')).toBeLessThan(lines.length - 1);
    expect(run.status).toBe(1);
  });

  it('a green run names nothing and exits 0', () => {
    const run = summarize({ node: report([{ title: 'ok', status: 'passed' }]) });
    expect(run.stdout).not.toContain('FAILED');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(run.status).toBe(0);
  });
});
