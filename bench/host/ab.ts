// Before/after host cost of one change: two webgrad trees (this checkout and --base DIR, e.g.
// a `git worktree add /tmp/base main` or `git archive main | tar -x -C /tmp/base` with
// node_modules linked and scripts/gen-shaders.mjs run) loaded in one process, each on its own
// Dawn Null device, stepped alternately one eager step at a time. On a shared machine the
// scheduler's delays then hit both sides alike, and the low quantiles of single steps (p10,
// p25) compare the code, not the load.
// The two slots are not alike, though: an A/A run (this tree against a `git worktree` copy of
// itself, 300 steps, 2026-11-30) put "this" 1.09–1.28× slower at p10 step (record 1.16–1.55×)
// in 10 runs: with either tree loaded first, from either tree's checkout, from another cwd; a
// copy of the script outside both trees gave 1.02, 1.07, 1.20. (An earlier A/A run agreed
// within ~4%.) The cause is not found. Compare both ways round (run each tree's copy of this
// script with the other as --base) and take the geometric mean.
//
//   node --import tsx bench/host/ab.ts --base /tmp/base [--case convnetjs-sgd] [--steps 400]   (--help: the flags)
import { resolve } from 'node:path';
import { parseFlags } from '../harness/cli.js';
import type * as Cases from './cases.js';

interface Side {
  name: string;
  flush: () => Promise<void>;
  step: () => void;
  record: number[];
  flushMs: number[];
  total: number[];
}

async function load(name: string, root: string, caseName: string): Promise<Side> {
  // distinct paths are distinct module instances: each tree has its own runtime and backend
  const node = (await import(resolve(root, 'src/node.ts'))) as typeof import('../../src/node.js');
  const wg = (await import(resolve(root, 'src/index.ts'))) as typeof import('../../src/index.js');
  const cases = (await import(resolve(root, 'bench/host/cases.ts'))) as typeof Cases;
  await node.initNode({ dawnFlags: ['backend=null'], matmulTuning: { tune: false } });
  const c = cases.buildCase(caseName as Cases.CaseName, {});
  return { name, flush: () => wg.flush(), step: () => cases.eagerStep(c), record: [], flushMs: [], total: [] };
}

function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(p * (s.length - 1))];
}

async function main(): Promise<void> {
  const { base, case: caseName, steps } = parseFlags('node --import tsx bench/host/ab.ts', {
    base: { kind: 'string', describe: 'the other webgrad tree (required)' },
    case: { kind: 'string', default: 'convnetjs-sgd', describe: 'the bench/host/cases.ts case to step' },
    steps: { kind: 'int', default: 400, describe: 'alternating eager steps per side' },
  }, { intro: "Host cost of this tree against --base's, stepped alternately on Dawn's Null backend." });
  if (!base) {
    console.error('bench/host/ab.ts: --base DIR is required (--help lists the flags)');
    process.exit(2);
  }
  const sides = [await load('base', base, caseName), await load('this', resolve(import.meta.dirname, '../..'), caseName)];
  for (const s of sides) for (let i = 0; i < 20; i++) {
    s.step();
    await s.flush();
  }
  for (let i = 0; i < steps; i++) {
    // alternate which side goes first, so neither always follows the other's garbage
    for (const s of i % 2 ? [sides[1], sides[0]] : sides) {
      const a = performance.now();
      s.step();
      const b = performance.now();
      await s.flush();
      const c = performance.now();
      s.record.push(b - a);
      s.flushMs.push(c - b);
      s.total.push(c - a);
    }
  }
  const row = (xs: number[]): string => [0.1, 0.25, 0.5].map((p) => quantile(xs, p).toFixed(3)).join(' / ');
  console.log(`${caseName}, ${steps} alternating eager steps per side on Dawn's Null backend; ms at p10 / p25 / median`);
  for (const s of sides) console.log(`${s.name.padEnd(5)} step ${row(s.total)}   record ${row(s.record)}   flush ${row(s.flushMs)}`);
  const [b, t] = sides;
  const ratio = (k: 'total' | 'record' | 'flushMs'): string => (quantile(t[k], 0.1) / quantile(b[k], 0.1)).toFixed(3);
  console.log(`this/base at p10: step ${ratio('total')}, record ${ratio('record')}, flush ${ratio('flushMs')}`);
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
