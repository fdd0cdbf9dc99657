// Shared test harness: one suite body per device (describe.each(devices)), the float64 CPU
// reference, NaN-poisoned outputs, and an allclose check that reports the worst element.
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { createCpuBackend } from '../src/backend/cpu/index.js';
import type { Backend } from '../src/backend/types.js';
import { Random } from '../src/random.js';
import { getBackend, hasBackend, setBackend, setPoisonOutputs } from '../src/runtime.js';
import type { Tensor } from '../src/tensor.js';
import '../src/ops/index.js';
import { freshSeed, runSeed } from './seeds.js';

export type DeviceName = 'cpu' | 'webgpu';
export const devices: DeviceName[] = ['cpu', 'webgpu'];

let gpuPromise: Promise<GPU> | null = null;

/** navigator.gpu in browsers and Deno (wgpu there), Dawn from the `webgpu` package in Node. Never skips: throws. */
export function getGpu(): Promise<GPU> {
  gpuPromise ??= (async () => {
    const nav = (globalThis as { navigator?: Navigator & { gpu?: GPU } }).navigator;
    if (nav?.gpu) return nav.gpu;
    const pkg = 'webgpu';
    const webgpu = await import(/* @vite-ignore */ pkg);
    Object.assign(globalThis, webgpu.globals);
    return webgpu.create([]) as GPU;
  })();
  return gpuPromise;
}

const backends = new Map<DeviceName, Promise<Backend>>();

export function backendFor(name: DeviceName): Promise<Backend> {
  let p = backends.get(name);
  if (!p) {
    p = name === 'cpu'
      ? Promise.resolve(createCpuBackend())
      : Promise.all([getGpu(), import('../src/backend/webgpu/index.js')]).then(([gpu, m]) => m.createWebGPUBackend({ gpu }));
    backends.set(name, p);
  }
  return p;
}

/** Makes `name` the active backend for the enclosing describe block, outputs NaN-poisoned. */
export function useDevice(name: DeviceName): { backend: () => Backend } {
  let be: Backend | undefined;
  let prev: Backend | null = null;
  beforeAll(async () => {
    prev = hasBackend() ? getBackend() : null;
    be = await backendFor(name);
    setBackend(be);
    setPoisonOutputs(true);
  });
  afterAll(async () => {
    await be?.flush();
    setPoisonOutputs(false);
    setBackend(prev);
  });
  return { backend: () => be! };
}

/** Runs fn with a fresh backend active, then destroys it and restores the previous one. */
export async function withTemporaryBackend<T>(be: Backend, fn: () => Promise<T>): Promise<T> {
  const prev = hasBackend() ? getBackend() : null;
  setBackend(be);
  try {
    return await fn();
  } finally {
    be.destroy();
    setBackend(prev);
  }
}

/** Runs fn on the float64 CPU reference backend and returns its result as plain numbers. */
export function reference(fn: () => Tensor): Promise<Float64Array> {
  return withTemporaryBackend(createCpuBackend({ float64: true }), async () => Float64Array.from(await fn().data()));
}

/** Runs fn on the reference and on the active backend with the same inputs; compares (see expectClose for `slack`). */
export async function conform(fn: () => Tensor, tol: Tolerance = ELEMENTWISE, slack?: ArrayLike<number>): Promise<void> {
  const want = await reference(fn);
  const t = fn();
  const got = await t.data();
  expectClose(got, want, tol, slack);
}

export interface Tolerance {
  rtol: number;
  atol: number;
}
/** design.md: ≤ 1e-5 relative for elementwise, ≤ 1e-4 for reductions, matmul, conv */
export const ELEMENTWISE: Tolerance = { rtol: 1e-5, atol: 1e-6 };
export const REDUCTION: Tolerance = { rtol: 1e-4, atol: 1e-5 };

/**
 * |got − want| ≤ atol + rtol·|want| (+ slack[i]) element by element, NaN where want is NaN. `slack`
 * is for kernels with hard decisions (a histogram bin, a comparison): what an input sitting within
 * rounding of a decision edge may move, computed by the test from the inputs, so every other
 * element is still held to the tolerance.
 */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, { rtol, atol }: Tolerance = ELEMENTWISE, slack?: ArrayLike<number>): void {
  expect(got.length, 'element count').toBe(want.length);
  if (slack) expect(slack.length, 'slack element count').toBe(want.length);
  let worst = 0;
  let margin = 0; // the worst element's |got − want| over its allowance: above 1 fails
  let bad = 0;
  for (let i = 0; i < want.length; i++) {
    const r = marginOf(got[i], want[i], atol + rtol * Math.abs(want[i]) + (slack?.[i] ?? 0));
    if (r > 1) bad++;
    if (r > margin) [worst, margin] = [i, r];
  }
  logMargin(margin);
  if (bad > 0) {
    const slackNote = slack ? `, slack ${slack[worst]}` : '';
    expect.fail(`element ${worst}: got ${got[worst]}, want ${want[worst]} (rtol ${rtol}, atol ${atol}${slackNote}); ${bad} of ${want.length} elements off`);
  }
}

/** |a − b| / allowance, NaN where b is NaN: 0 when a is NaN too, else Infinity; above 1 (or infinite) = off */
function marginOf(a: number, b: number, allowance: number): number {
  if (Number.isNaN(b)) return Number.isNaN(a) ? 0 : Infinity;
  const d = Math.abs(a - b);
  if (!(d <= allowance)) return Number.isNaN(d) || allowance === 0 ? Infinity : d / allowance;
  return allowance > 0 ? d / allowance : 0;
}

// Flake hunting: with WEBGRAD_TOLERANCE_LOG=FILE, every expectClose appends its test's name and
// its margin (1 = at the tolerance) as a JSON line; `node scripts/tolerance-margins.mjs FILE…`
// lists the tests that came closest to failing over runs, where fresh random inputs will one day
// cross. Node and Deno append to the file; a browser has neither env nor files, so
// vitest.config.ts provides `browserToleranceLog` and appends the lines it sends.
declare module 'vitest' {
  export interface ProvidedContext {
    browserToleranceLog?: boolean;
  }
}
const marginLogPath = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.WEBGRAD_TOLERANCE_LOG;
const appendMarginLine: ((line: string) => void) | null = marginLogPath
  ? await (async () => {
    const fs = (await import(/* @vite-ignore */ ['node', 'fs'].join(':'))) as { appendFileSync(path: string, data: string): void };
    return (line: string) => fs.appendFileSync(marginLogPath, line);
  })()
  : inject('browserToleranceLog') === true
    ? await (async () => {
      const { commands } = await import('vitest/browser');
      const append = (commands as unknown as { appendToleranceLog(text: string): Promise<void> }).appendToleranceLog;
      return (line: string) => void append(line);
    })()
    : null;

/** Logs a check's margin (its error over its tolerance: above 1 fails) when the tolerance log is on. */
export function logMargin(margin: number): void {
  if (!appendMarginLine) return;
  const state = expect.getState();
  appendMarginLine!(`${JSON.stringify({ file: state.testPath, test: state.currentTestName, margin, seed: runSeed })}\n`);
}

/** Fresh random data each run, the same in a replay (test/seeds.ts). */
export function randomData(n: number, lo = -1, hi = 1, seed = freshSeed()): Float32Array {
  return new Random(seed).uniform(n, lo, hi);
}

export const ODD_SIZES = [1, 7, 33, 129, 257];
