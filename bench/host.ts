// npm run bench:host: the host's cost of a training step, measured on Dawn's Null backend
// (Dawn accepts every WebGPU call and runs no GPU work, so the time is the host's alone):
// webgrad eager and compiled (wg.compile) for the cases of bench/host/cases.ts, and
// TensorFlow.js's WebGPU backend on the same Null adapter for (a) and (c). Each timed step is
// what a user's loop does: record (tidy) then `await flush()`. Runs are interleaved (each
// repetition visits every runner, in a rotated order) so load drifts hit all of them alike.
// `npm run bench:host -- --help` lists the flags.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import * as webgpu from 'webgpu';
import { CliError } from './harness/cli.js';
import { median } from './harness/stats.js';
import { renderTable } from './harness/table.js';
import { DawnCalls } from './host/dawn-calls.js';
import { parseHostArgs, USAGE, type HostArgs } from './host/args.js';
import { buildCase, CASES, type CaseName, disposeCase, eagerStep, type WebgradCase } from './host/cases.js';
import { buildTfjsCase, loadTfjs } from './host/tfjs.js';
import { initNode } from '../src/node.js';
import * as wg from '../src/index.js';
import type { WebGPUBackend } from '../src/backend/webgpu/index.js';

// ---- runners --------------------------------------------------------------------------------

type Compiled = ((...args: wg.Tensor[]) => wg.Tensor | wg.Tensor[]) & { dispose(): void };
type CompileFn = (fn: (...args: wg.Tensor[]) => wg.Tensor | wg.Tensor[]) => Compiled;
const compileApi = (wg as unknown as { compile?: CompileFn }).compile;

interface Rep {
  /** wall ms per step: record + flush */
  ms: number;
  record: number;
  flush: number;
  /** process CPU ms per step (user + system, all threads): less sensitive to other processes' load */
  cpu: number;
  dispatches: number;
  /** each step's wall ms: record + flush, record alone, flush alone */
  steps: { total: number[]; record: number[]; flush: number[] };
}

interface Runner {
  caseName: CaseName;
  lib: 'webgrad' | 'tfjs';
  mode: 'eager' | 'compiled';
  /** why it has no figures (n/a), when it has none */
  skipped?: string;
  step(): void;
  flush(): Promise<void>;
  dispose(): void;
  /** webgrad: live bytes the runner holds after its warm-up (model, optimizer state, recordings) */
  liveBytes?: number;
  reps: Rep[];
}

const label = (r: Runner): string => `(${CASES[r.caseName].letter}) ${r.lib} ${r.mode}`;

function webgradRunner(c: WebgradCase, mode: 'eager' | 'compiled'): Runner {
  const base = { caseName: c.info.name, lib: 'webgrad' as const, mode, reps: [], flush: () => wg.flush() };
  if (mode === 'eager') return { ...base, step: () => eagerStep(c), dispose: () => disposeCase(c) };
  if (!compileApi) return { ...base, skipped: 'n/a (wg.compile missing)', step: () => {}, dispose: () => disposeCase(c) };
  const fn = compileApi(c.body as (...args: wg.Tensor[]) => wg.Tensor);
  return {
    ...base,
    // the result stays valid until the next call: nothing to dispose, nothing to tidy
    step: () => {
      fn(c.x, c.y);
      c.scheduler?.step();
    },
    dispose: () => {
      fn.dispose();
      disposeCase(c);
    },
  };
}

async function runSteps(r: Runner, n: number, calls: DawnCalls): Promise<Rep> {
  let record = 0;
  let flush = 0;
  const steps: Rep['steps'] = { total: [], record: [], flush: [] };
  const d0 = calls.dispatches;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const a = performance.now();
    r.step();
    const b = performance.now();
    await r.flush();
    const c = performance.now();
    flush += c - b;
    record += b - a;
    steps.total.push(c - a);
    steps.record.push(b - a);
    steps.flush.push(c - b);
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { ms: wall / n, record: record / n, flush: flush / n, cpu: (cpu.user + cpu.system) / 1000 / n, dispatches: (calls.dispatches - d0) / n, steps };
}

/** Warm-up: on failure (a compile error, a missing feature) the runner is marked n/a with the reason. */
async function warm(r: Runner, n: number, calls: DawnCalls): Promise<void> {
  try {
    await runSteps(r, n, calls);
  } catch (e) {
    r.skipped = `n/a (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

// ---- summary --------------------------------------------------------------------------------

interface Summary {
  case: CaseName;
  letter: string;
  title: string;
  batch: number;
  lib: string;
  mode: string;
  skipped?: string;
  msPerStep?: number;
  /** min and max over the repetitions' means */
  spread?: [number, number];
  recordMs?: number;
  flushMs?: number;
  cpuMsPerStep?: number;
  /**
   * The 10th percentile of single steps' wall ms (over every timed step of every repetition),
   * with record and flush likewise: on a loaded machine most steps wait for a CPU, and the
   * fast tail is the host's own cost. The main figure when other processes share the cores.
   */
  p10?: { step: number; record: number; flush: number };
  /**
   * The headline: p10 record + p10 flush. Each part is short, so its fast tail is reached more
   * often than a whole step's; on an idle machine this is about the p10 step.
   */
  estMs?: number;
  dispatchesPerStep?: number;
  usPerDispatch?: number;
  liveBytes?: number;
  /** compiled only: live bytes beyond the eager runner's (the recording's temporaries) */
  extraBytes?: number;
}

function quantile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(p * (s.length - 1))];
}

function summarize(r: Runner, eagerTwin: Runner | undefined): Summary {
  const info = CASES[r.caseName];
  const s: Summary = { case: r.caseName, letter: info.letter, title: info.title, batch: info.batch, lib: r.lib, mode: r.mode };
  if (r.skipped || r.reps.length === 0) return { ...s, skipped: r.skipped ?? 'n/a (no repetitions)' };
  const ms = r.reps.map((x) => x.ms);
  const med = (k: Exclude<keyof Rep, 'steps'>): number => median(r.reps.map((x) => x[k]));
  const dispatches = med('dispatches');
  const p10 = (k: keyof Rep['steps']): number => quantile(r.reps.flatMap((x) => x.steps[k]), 0.1);
  return {
    ...s,
    msPerStep: median(ms), spread: [Math.min(...ms), Math.max(...ms)],
    recordMs: med('record'), flushMs: med('flush'), cpuMsPerStep: med('cpu'),
    p10: { step: p10('total'), record: p10('record'), flush: p10('flush') },
    estMs: p10('record') + p10('flush'),
    dispatchesPerStep: dispatches, usPerDispatch: dispatches > 0 ? ((p10('record') + p10('flush')) * 1000) / dispatches : undefined,
    liveBytes: r.liveBytes,
    extraBytes: r.mode === 'compiled' && r.liveBytes !== undefined && eagerTwin?.liveBytes !== undefined ? r.liveBytes - eagerTwin.liveBytes : undefined,
  };
}

const f = (x: number | undefined, digits = 2): string => (x === undefined ? '—' : x.toFixed(digits));
const mib = (b: number | undefined): string => (b === undefined ? '—' : `${(b / 2 ** 20).toFixed(2)} MiB`);

function table(rows: Summary[]): string {
  const lines = rows.map((s) => s.skipped
    ? [`(${s.letter}) ${s.case} b${s.batch}`, s.lib, s.mode, 'n/a', '', '', '', '', '', '', '', '', '', '']
    : [
      `(${s.letter}) ${s.case} b${s.batch}`, s.lib, s.mode, f(s.estMs, 3), f(s.p10!.record, 3), f(s.p10!.flush, 3), f(s.p10!.step, 3),
      f(s.msPerStep), `${f(s.spread![0])}–${f(s.spread![1])}`, f(s.cpuMsPerStep), f(s.dispatchesPerStep, 1), f(s.usPerDispatch, 1),
      s.mode === 'compiled' ? mib(s.extraBytes) : '',
    ]);
  const notes = rows.filter((s) => s.skipped).map((s) => `  (${s.letter}) ${s.lib} ${s.mode}: ${s.skipped}`);
  return [renderTable(['case', 'library', 'mode', 'host ms', 'record', 'flush', 'p10 step', 'mean ms', 'spread', 'cpu ms', 'dispatches', 'µs/dispatch', 'extra live'], lines, 3), ...notes].join('\n');
}

interface Ratio {
  case: CaseName;
  webgrad: string;
  /** webgrad's host ms (p10 record + p10 flush) ÷ TensorFlow.js's (below 1: webgrad is cheaper) */
  ratio: number;
  /** the same for the repetitions' median mean step */
  meanRatio: number;
  /**
   * the same for process CPU ms per step: the fairest of the three on a loaded machine, where a
   * long step (TensorFlow.js's) rarely runs unpreempted and its p10 stays inflated
   */
  cpuRatio: number;
}

function ratios(rows: Summary[]): Ratio[] {
  const out: Ratio[] = [];
  for (const t of rows.filter((s) => s.lib === 'tfjs' && s.msPerStep !== undefined))
    for (const w of rows.filter((s) => s.lib === 'webgrad' && s.case === t.case && s.msPerStep !== undefined))
      out.push({ case: t.case, webgrad: w.mode, ratio: w.estMs! / t.estMs!, meanRatio: w.msPerStep! / t.msPerStep!, cpuRatio: w.cpuMsPerStep! / t.cpuMsPerStep! });
  return out;
}

type Breakdown = Record<string, { call: string; perStep: number; usPerStep: number }[]>;

/** --breakdown: each runner again for `steps` steps with every Dawn call timed (printed, and kept in `out`). */
async function timeDawnCalls(runners: Runner[], steps: number, calls: DawnCalls, out: Breakdown): Promise<void> {
  for (const r of runners) {
    calls.timing = true;
    const rep = await runSteps(r, steps, calls);
    calls.timing = false;
    const t = calls.take();
    out[label(r)] = t.map(([call, v]) => ({ call, perStep: v.calls / steps, usPerStep: (1000 * v.ms) / steps }));
    const dawn = t.reduce((sum, [, v]) => sum + v.ms, 0) / steps;
    console.log(`\n${label(r)}: Dawn calls (timed run: record ${f(rep.record)} ms, flush ${f(rep.flush)} ms, Dawn calls ${f(dawn)} ms per step)`);
    console.log(renderTable(['call', 'per step', 'µs/step', 'µs/call'],
      t.map(([call, v]) => [call, f(v.calls / steps, 1), f((1000 * v.ms) / steps, 0), f((1000 * v.ms) / v.calls, 1)]), 1));
  }
}

// ---- the page's host line (optional) ----------------------------------------------------------

interface PageLine {
  mode: 'eager' | 'compiled';
  hostMsPerStep?: Record<string, number>;
  error?: string;
}

/** Runs `npm run bench` (headless Chromium, synthetic data) for `steps` steps and reads its host line from the JSON. */
function pageHostLine(mode: 'eager' | 'compiled', steps: number): PageLine {
  const json = `bench/results/host-page-${mode}.json`;
  const flags = ['--synthetic', '--steps', String(steps), '--lossEvery', '0', '--tune', '0', '--json', json];
  // once wg.compile lands the page compiles by default and --no-compile gives eager
  if (compileApi && mode === 'eager') flags.push('--no-compile');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/cifar.ts', ...flags], { encoding: 'utf8', timeout: 15 * 60_000 });
  if (run.status !== 0) return { mode, error: `npm run bench exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' / ')}` };
  const result = JSON.parse(readFileSync(json, 'utf8')) as { hostMsPerStep?: Record<string, number> };
  return { mode, hostMsPerStep: result.hostMsPerStep };
}

// ---- main -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  let args: HostArgs;
  try {
    args = parseHostArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof CliError)) throw e;
    if (e.help) {
      console.log(USAGE);
      process.exit(0);
    }
    console.error(`npm run bench:host: ${e.message}\n${USAGE}`);
    process.exit(2);
  }
  const calls = new DawnCalls(webgpu.globals as Record<string, unknown>);
  // tuning times candidates on the GPU; on the Null backend every candidate takes no time
  await initNode({ dawnFlags: ['backend=null'], matmulTuning: { tune: false } });
  const breakdown: Breakdown = {};
  const loadBefore = loadavg()[0];
  const totalSteps = args.warmup + args.reps * (args.steps + 2) + (args.breakdown ? args.steps : 0) + 10;

  // one case at a time (built, warmed, timed interleaved across its runners, freed): the Null
  // backend caps device memory, and VGG-BN's eager and compiled steps together fill most of it
  const runners: Runner[] = [];
  let tf: Awaited<ReturnType<typeof loadTfjs>> | null = null;
  let tfjsVersion: string | undefined;
  for (const name of args.cases) {
    const group: Runner[] = [];
    for (const mode of args.compiled ? (['eager', 'compiled'] as const) : (['eager'] as const)) {
      const before = wg.stats().liveBytes;
      const r = webgradRunner(buildCase(name, { totalSteps }), mode);
      if (!r.skipped) await warm(r, args.warmup, calls);
      r.liveBytes = wg.stats().liveBytes - before;
      group.push(r);
    }
    if (args.tfjs && (name === 'convnetjs-sgd' || name === 'mlp')) {
      tf ??= await loadTfjs(webgpu.create(['backend=null']) as GPU);
      const c = buildTfjsCase(tf, name, CASES[name].batch);
      tfjsVersion = c.version;
      const r: Runner = { caseName: name, lib: 'tfjs', mode: 'eager', reps: [], step: c.step, flush: c.flush, dispose: c.dispose };
      await warm(r, args.warmup, calls);
      group.push(r);
    }
    const live = group.filter((r) => !r.skipped);
    for (let rep = 0; rep < args.reps; rep++) {
      for (let i = 0; i < live.length; i++) {
        const r = live[(i + rep) % live.length];
        if (r.skipped) continue;
        try {
          if (rep > 0) await runSteps(r, 2, calls);
          r.reps.push(await runSteps(r, args.steps, calls));
        } catch (e) {
          r.skipped = `n/a (failed in repetition ${rep + 1}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
        }
      }
    }
    if (args.breakdown) await timeDawnCalls(group.filter((r) => !r.skipped), args.steps, calls, breakdown);
    for (const r of group) r.dispose();
    await wg.flush();
    (wg.backend() as WebGPUBackend).device.trimPool();
    runners.push(...group);
    process.stderr.write(`${CASES[name].letter}) ${name} done\n`);
  }

  const rows = runners.map((r) => summarize(r, runners.find((e) => e.caseName === r.caseName && e.lib === 'webgrad' && e.mode === 'eager')));
  const rat = ratios(rows);
  const load = [loadBefore, loadavg()[0]].map((x) => x.toFixed(1)).join(' → ');
  console.log(`\nHost cost per training step on Dawn's Null backend (no GPU work), ${args.reps} interleaved repetitions of ${args.steps} steps; load average ${load} on ${cpus().length} cores`);
  console.log([
    'host ms = record + flush: each the 10th percentile over single steps (record = the step\'s JavaScript, flush = `await flush()`);',
    '  on a shared machine most steps wait for a CPU and the fast tail is the host\'s own cost; p10 step: the same over whole steps',
    'mean ms: median over repetitions of the mean step; spread: min–max of those means; cpu ms: process CPU time per step',
    'µs/dispatch: host ms ÷ dispatches; extra live: bytes a compiled step keeps beyond the eager one\'s\n',
  ].join('\n'));
  console.log(table(rows));
  if (rat.length) console.log(`\n${rat.map((x) => `(${CASES[x.case].letter}) webgrad ${x.webgrad} / TensorFlow.js ${tfjsVersion}: ${x.ratio.toFixed(2)}× (host ms), ${x.cpuRatio.toFixed(2)}× (CPU ms), ${x.meanRatio.toFixed(2)}× (mean steps)`).join('\n')}`);

  const page: PageLine[] = [];
  if (args.pageSteps > 0) {
    for (const mode of ['eager', 'compiled'] as const) {
      if (mode === 'compiled' && !compileApi) {
        page.push({ mode, error: 'n/a (wg.compile missing)' });
        continue;
      }
      page.push(pageHostLine(mode, args.pageSteps));
    }
    console.log(`\nThe page's host line (headless Chromium, ConvNetJS net, batch 64, ${args.pageSteps} steps of synthetic data):`);
    for (const p of page) {
      const h = p.hostMsPerStep;
      console.log(`  ${p.mode}: ${h ? Object.entries(h).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ') + ' ms/step' : p.error}`);
    }
  }

  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch { /* not a git checkout */ }
  mkdirSync(dirname(args.jsonPath), { recursive: true });
  writeFileSync(args.jsonPath, `${JSON.stringify({
    date: new Date().toISOString(), commit, node: process.version, adapter: 'Dawn Null backend (backend=null)', load, cores: cpus().length,
    tfjs: tfjsVersion, args, results: rows, ratios: rat, breakdown: args.breakdown ? breakdown : undefined, page: page.length ? page : undefined,
  }, null, 2)}\n`);
  console.log(`\nwrote ${args.jsonPath}`);
  wg.backend().destroy();
  process.exit(0);
}

main().catch((e: unknown) => {
  console.error(`bench:host failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  process.exit(1);
});
