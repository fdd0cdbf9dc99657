// scripts/tolerance-margins.mjs (flake hunting, see test/helpers.ts): per test, the largest
// margin over every run's log, nearest to failing first; a NaN comparison (logged as null) is
// the worst; the log's test names keep their file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const line = (file: string, test: string, margin: number | null, seed = 5) => JSON.stringify({ file: `/x/webgrad/test/${file}`, test, margin, seed });

describe('scripts/tolerance-margins.mjs', () => {
  it('lists the worst margin per test over runs, worst first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'margins-'));
    writeFileSync(join(dir, 'a.jsonl'), [line('ops/a.test.ts', 'a1', 0.2), line('ops/b.test.ts', 'b1', 0.9), line('ops/a.test.ts', 'a1', 0.5, 77)].join('\n'));
    writeFileSync(join(dir, 'b.jsonl'), [line('ops/a.test.ts', 'a1', 0.1), line('ops/c.test.ts', 'c1', null)].join('\n'));
    const out = execFileSync(process.execPath, ['scripts/tolerance-margins.mjs', join(dir, 'a.jsonl'), join(dir, 'b.jsonl')], { encoding: 'utf8' });
    const rows = out.trim().split('\n').slice(1).map((r) => r.trim().split(/\s+/));
    expect(rows.map((r) => [r[0], r[1], r[2], r[3]])).toEqual([
      ['Infinity', '1', '5', 'test/ops/c.test.ts'],
      ['0.900', '1', '5', 'test/ops/b.test.ts'],
      ['0.500', '3', '77', 'test/ops/a.test.ts'], // the seed of the worst margin
    ]);
    expect(() => execFileSync(process.execPath, ['scripts/tolerance-margins.mjs'], { stdio: 'pipe' })).toThrow();
  });
});
