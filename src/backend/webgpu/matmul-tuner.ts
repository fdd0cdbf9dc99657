// Per-device matmul autotuner. The first time a shape class (matmul-variants.ts: small/medium/large x
// aligned/unaligned) is seen, it times the candidate variants on the adapter and keeps the
// fastest for the session; a saved table (JSON) and explicit overrides win over measuring.
//
// Measuring never touches the recorder: recording is synchronous, so the dispatch that meets
// a new class uses the heuristic default while the measurement runs in the background on
// scratch storages from the device's pool, timed through the device (dispatch-timer.ts) in
// submits of their own. The scratch storages are held by the tuner while it measures, so the
// extra submits cannot reorder anything the user recorded; they only share the queue.
import type { MatmulArgs } from '../types.js';
import { WebGPUDevice } from './device.js';
import {
  MATMUL_SHAPE_CLASSES, type MatmulShapeClass, type MatmulVariant, defaultMatmulVariant, matmulShapeClass,
  matmulVariantByName, matmulVariants,
} from './matmul-variants.js';

export interface MatmulTuningEntry {
  variant: string;
  /** 'measured' by this tuner, set by an 'override', or loaded from a saved 'table' */
  source: 'measured' | 'override' | 'table';
  /** measured GFLOP/s per candidate (measured entries) */
  gflops?: Record<string, number>;
  /** the [batch, m, n, k] that was timed (measured entries) */
  timedShape?: [number, number, number, number];
}

/** What `getMatmulTuning()` returns and `setMatmulTuning()` / the `table` option take. */
export interface MatmulTuningTable {
  version: 1;
  /** the adapter it was measured on; a table from another adapter is ignored */
  adapter: string;
  classes: Partial<Record<MatmulShapeClass, MatmulTuningEntry>>;
}

export interface MatmulTuningOptions {
  /**
   * Measure variants the first time a shape class is seen. Default: on, unless
   * `setMatmulTuningDefault(false)` was called (the test setup does, so variant choices are
   * deterministic) or the environment sets WEBGRAD_MATMUL_TUNE=0; off picks the heuristic
   * default (`defaultMatmulVariant`).
   */
  tune?: boolean;
  /** a table saved from `getMatmulTuning()` (e.g. from localStorage) */
  table?: MatmulTuningTable;
  /** per-class variant names; these win over the table and over measuring */
  overrides?: Partial<Record<MatmulShapeClass, string>>;
}

/** The products a measurement times stay below this many multiply-adds (~645³), so tuning a large class costs seconds, not minutes, on a software adapter. */
const MAX_TIMED_WORK = 2 ** 28;
/** Wall-clock budget of one timed submit; shorter kernels are repeated within it. */
const TARGET_SECONDS = 0.1;

let tuneDefault: boolean | undefined;

/** The `tune` default of tuners made from now on (undefined: the environment's, else on). */
export function setMatmulTuningDefault(tune: boolean | undefined): void {
  tuneDefault = tune;
}

function tuneByDefault(): boolean {
  if (tuneDefault !== undefined) return tuneDefault;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (env?.WEBGRAD_MATMUL_TUNE !== undefined) return env.WEBGRAD_MATMUL_TUNE !== '0';
  return true;
}

export class MatmulTuner {
  tune: boolean;
  private readonly entries = new Map<MatmulShapeClass, MatmulTuningEntry>();
  private readonly running = new Map<MatmulShapeClass, Promise<MatmulVariant>>();

  constructor(private readonly dev: WebGPUDevice, opts: MatmulTuningOptions = {}) {
    this.tune = opts.tune ?? tuneByDefault();
    if (opts.table) this.setTable(opts.table);
    for (const [cls, name] of Object.entries(opts.overrides ?? {})) this.setVariant(cls as MatmulShapeClass, name!);
  }

  /** Synchronous: the stored choice, else the default (starting a background measurement if tuning is on). */
  choose(args: MatmulArgs): MatmulVariant {
    const cls = matmulShapeClass(args);
    const entry = this.entries.get(cls);
    if (entry) return matmulVariantByName(entry.variant)!;
    if (this.tune && !this.running.has(cls)) {
      // a failed measurement (device lost, destroyed) leaves the default in place for the session
      this.tuneShape(args).catch(() => this.entries.set(cls, { variant: this.fallback(cls).name, source: 'measured' }));
    }
    return this.fallback(cls);
  }

  setVariant(shapeClass: MatmulShapeClass, name: string): void {
    if (!MATMUL_SHAPE_CLASSES.includes(shapeClass)) throw new Error(`webgrad: unknown matmul shape class '${shapeClass}' (one of ${MATMUL_SHAPE_CLASSES.join(', ')})`);
    if (!matmulVariantByName(name)) throw new Error(`webgrad: unknown matmul variant '${name}' (one of ${matmulVariants.map((v) => v.name).join(', ')})`);
    this.entries.set(shapeClass, { variant: name, source: 'override' });
  }

  getTable(): MatmulTuningTable {
    return { version: 1, adapter: this.dev.adapterName, classes: Object.fromEntries(this.entries) };
  }

  /** Loads a saved table; returns false (and changes nothing) when it is from another adapter or names unknown variants. */
  setTable(table: MatmulTuningTable): boolean {
    if (table.version !== 1 || table.adapter !== this.dev.adapterName) return false;
    const loaded = Object.entries(table.classes).filter(([cls, e]) => MATMUL_SHAPE_CLASSES.includes(cls as MatmulShapeClass) && e && matmulVariantByName(e.variant));
    if (loaded.length !== Object.keys(table.classes).length) return false;
    for (const [cls, e] of loaded) this.entries.set(cls as MatmulShapeClass, { ...e!, source: e!.source === 'override' ? 'override' : 'table' });
    return true;
  }

  /** resolves when every background measurement started so far has finished */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.running.values()]);
  }

  /** Measures the candidates for args' class now (or joins a running measurement) and stores the winner. */
  tuneShape(args: MatmulArgs): Promise<MatmulVariant> {
    const cls = matmulShapeClass(args);
    let job = this.running.get(cls);
    if (!job) {
      job = this.measureClass(cls, args).finally(() => this.running.delete(cls));
      this.running.set(cls, job);
    }
    return job;
  }

  /** Software adapters only get the register-blocked variants: workgroup tiles lose there by 10-20x (barriers), so timing them only costs compiles. */
  candidates(): MatmulVariant[] {
    return matmulVariants.filter((v) => !this.dev.isSoftwareAdapter || v.kind === 'registers');
  }

  private fallback(cls: MatmulShapeClass): MatmulVariant {
    return defaultMatmulVariant(cls, this.dev.isSoftwareAdapter);
  }

  private async measureClass(cls: MatmulShapeClass, args: MatmulArgs): Promise<MatmulVariant> {
    const shape = timedShape(args);
    const gflops: Record<string, number> = {};
    for (const v of this.candidates()) {
      try {
        gflops[v.name] = (2 * shape.m * shape.n * shape.k) / (await timeVariant(this.dev, v, shape)) / 1e9;
      } catch {
        gflops[v.name] = 0; // a candidate that fails to compile or run on this adapter never wins
      }
    }
    const best = Object.entries(gflops).reduce((x, y) => (y[1] > x[1] ? y : x));
    const existing = this.entries.get(cls);
    if (existing?.source === 'override') return matmulVariantByName(existing.variant)!; // set while measuring
    const winner = best[1] > 0 ? best[0] : this.fallback(cls).name;
    this.entries.set(cls, { variant: winner, source: 'measured', gflops, timedShape: [shape.batch, shape.m, shape.n, shape.k] });
    return matmulVariantByName(winner)!;
  }
}

/** args reduced to one product, with m and n halved until it is cheap enough to time (alignment kept). */
function timedShape(args: MatmulArgs): MatmulArgs {
  let { m, n } = args;
  const k = args.k;
  const keep4 = (x: number) => (args.m % 4 === 0 && args.n % 4 === 0 ? Math.max(4, Math.ceil(x / 4) * 4) : Math.max(1, x));
  while (m * n * k > MAX_TIMED_WORK && (m > 64 || n > 64)) {
    if (m >= n) m = keep4(Math.ceil(m / 2));
    else n = keep4(Math.ceil(n / 2));
  }
  return { ...args, batch: 1, m, n, k, aBatchStride: 0, bBatchStride: 0 };
}

/**
 * Seconds per dispatch of `v` on scratch storages from the device's pool, timed through the
 * device (`timeDispatch`: cached pipeline and bind group, a submit of its own), so the
 * measurement never touches what the user recorded.
 */
export async function timeVariant(dev: WebGPUDevice, v: MatmulVariant, args: MatmulArgs): Promise<number> {
  const scratch = [dev.alloc(args.m * args.k, 'float32'), dev.alloc(args.k * args.n, 'float32'), dev.alloc(args.m * args.n, 'float32')];
  try {
    const spec = v.plan(scratch[0], scratch[1], scratch[2], args);
    // the warm-up also drains whatever the queue held before, so it is not timed
    const warm = await dev.timeDispatch(spec, 1);
    const reps = Math.max(1, Math.min(16, Math.round(TARGET_SECONDS / warm)));
    return Math.min(await dev.timeDispatch(spec, reps), await dev.timeDispatch(spec, reps));
  } finally {
    for (const s of scratch) dev.free(s);
  }
}

const tuners = new WeakMap<WebGPUDevice, MatmulTuner>();

/** the device's tuner, created with default options on first use */
export function tunerFor(dev: WebGPUDevice): MatmulTuner {
  let t = tuners.get(dev);
  if (!t) tuners.set(dev, (t = new MatmulTuner(dev)));
  return t;
}

/** replaces the device's tuner (the backend's `matmulTuning` option) */
export function configureMatmulTuning(dev: WebGPUDevice, opts: MatmulTuningOptions): MatmulTuner {
  const t = new MatmulTuner(dev, opts);
  tuners.set(dev, t);
  return t;
}

type HasDevice = WebGPUDevice | { device: WebGPUDevice };
const deviceOf = (x: HasDevice): WebGPUDevice => (x instanceof WebGPUDevice ? x : x.device);

/** pins a shape class to a variant for this backend's session */
export function setMatmulVariant(backend: HasDevice, shapeClass: MatmulShapeClass, name: string): void {
  tunerFor(deviceOf(backend)).setVariant(shapeClass, name);
}

/** the current choices as a JSON-able table (persist it, pass it back as `matmulTuning.table`) */
export function getMatmulTuning(backend: HasDevice): MatmulTuningTable {
  return tunerFor(deviceOf(backend)).getTable();
}

/** loads a saved table; false when it was measured on another adapter */
export function setMatmulTuning(backend: HasDevice, table: MatmulTuningTable): boolean {
  return tunerFor(deviceOf(backend)).setTable(table);
}

/**
 * Resolves when every background measurement started so far has finished. A training loop
 * awaits it after its first step (which meets every matmul shape class): measurements time
 * wall-clock around the queue, so training steps submitted meanwhile would be counted as the
 * candidates' time and could crown a slow variant.
 */
export async function matmulTuningSettled(backend: HasDevice): Promise<void> {
  await tunerFor(deviceOf(backend)).settled();
}

/** measures now (ahead of a training loop or a benchmark) and returns the chosen variant's name */
export async function tuneMatmul(backend: HasDevice, args: MatmulArgs): Promise<string> {
  return (await tunerFor(deviceOf(backend)).tuneShape(args)).name;
}
