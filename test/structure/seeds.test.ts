// test/seeds.ts and test/setup.ts: one seed per run, a seed per call from the test's name, and a
// failed test's message that says how to replay it. The outer test runs this file's `draws` test
// in child vitest runs (WEBGRAD_SEEDS_OUT set), the way a developer replays a CI failure.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshSeed, runSeed } from '../seeds.js';

const out = process.env.WEBGRAD_SEEDS_OUT;

describe('test seeds', () => {
  // runs before `draws` under a wide filter: with a shared counter it would shift draws' seeds
  it('also draws: seeds stay in range', () => {
    for (let i = 0; i < 5; i++) expect(Number.isInteger(freshSeed())).toBe(true);
  });

  it('draws: each call in a test gets its own seed', () => {
    const seeds = [freshSeed(), freshSeed(), freshSeed()];
    expect(new Set(seeds).size).toBe(3);
    for (const s of seeds) expect(Number.isInteger(s) && s >= 0 && s < 1_000_000).toBe(true);
    if (out) appendFileSync(out, `${JSON.stringify({ runSeed, seeds })}\n`);
    if (process.env.WEBGRAD_SEEDS_FAIL === '1') expect.fail('failing on purpose');
  });

  it.skipIf(out !== undefined)('a replay with the run seed gives a test the same inputs, whatever else runs; a failure names the seed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seeds-'));
    let runs = 0;
    const child = (seed: string, filter: string, extra: Record<string, string> = {}) => {
      const file = join(dir, `run${runs++}.jsonl`);
      const report = join(dir, 'report.json');
      const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'node', 'test/structure/seeds.test.ts', '-t', filter, '--reporter=json', `--outputFile.json=${report}`], {
        encoding: 'utf8', env: { ...process.env, WEBGRAD_TEST_SEED: seed, WEBGRAD_SEEDS_OUT: file, ...extra },
      });
      return { status: r.status, lines: readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { runSeed: number; seeds: number[] }), report: JSON.parse(readFileSync(report, 'utf8')) };
    };
    const a = child('4242', 'seeds draws:');
    const b = child('4242', 'test seeds'); // a wider filter: `also draws` runs first, the same seeds
    const c = child('4243', 'seeds draws:');
    expect(a.status).toBe(0);
    expect(a.lines[0].runSeed).toBe(4242);
    expect(b.lines[0].seeds).toEqual(a.lines[0].seeds);
    expect(c.lines[0].seeds).not.toEqual(a.lines[0].seeds);
    const failed = child('4242', 'seeds draws:', { WEBGRAD_SEEDS_FAIL: '1' });
    expect(failed.status).not.toBe(0);
    const messages = (failed.report.testResults as Array<{ assertionResults: Array<{ failureMessages: string[] }> }>).flatMap((f) => f.assertionResults.flatMap((t) => t.failureMessages));
    expect(messages.join('\n')).toContain('[replay: WEBGRAD_TEST_SEED=4242]');
  }, 120_000);
});
