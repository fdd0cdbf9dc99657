// Every matmul variant vs a float64 reference (odd sizes, transposes, batches with strided
// and broadcast operands, NaN-poisoned outputs), and the per-device tuner: it picks a valid
// variant, honours overrides, and round-trips its table. Shapes are small and chosen so each
// variant compiles only a handful of pipelines (SwiftShader compiles take 0.1-1 s each).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatmulArgs } from '../../src/backend/types.js';
import { createWebGPUBackend, type WebGPUBackend } from '../../src/backend/webgpu/index.js';
import { WebGPUDevice } from '../../src/backend/webgpu/device.js';
import { chooseMatmulVariant, fittedVariant, matmul, type MatmulVariant, matmulShapeClass, matmulVariants } from '../../src/backend/webgpu/matmul.js';
import {
  configureMatmulTuning, getMatmulTuning, MatmulTuner, setMatmulTuning, setMatmulTuningDefault, setMatmulVariant, timeVariant,
  tuneMatmul, tunerFor,
} from '../../src/backend/webgpu/matmul-tuner.js';
import { getGpu } from '../helpers.js';
import { referenceElement } from '../matmul-reference.js';


function random(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

function args(batch: number, m: number, k: number, n: number, o: Partial<MatmulArgs> = {}): MatmulArgs {
  const transA = o.transA ?? false;
  const transB = o.transB ?? false;
  return { batch, m, n, k, transA, transB, aBatchStride: o.aBatchStride ?? m * k, bBatchStride: o.bBatchStride ?? k * n };
}

/** float64 product and, per element, Σ|a||b| (the scale a float32 rounding error is relative to) */
function reference(a: Float32Array, b: Float32Array, g: MatmulArgs): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(g.batch * g.m * g.n);
  const scale = new Float64Array(value.length);
  for (let p = 0; p < g.batch; p++) {
    for (let i = 0; i < g.m; i++) {
      for (let j = 0; j < g.n; j++) {
        const e = referenceElement(a, b, g, p, i, j);
        value[(p * g.m + i) * g.n + j] = e.value;
        scale[(p * g.m + i) * g.n + j] = e.scale;
      }
    }
  }
  return { value, scale };
}

// Each case switches a different set of shader paths on (see shaders/matmul.wgsl's header).
const CASES: { name: string; args: MatmulArgs }[] = [
  { name: '1x1x1', args: args(1, 1, 1, 1) },
  { name: 'odd 33x257·257x7 (scalar loads and stores)', args: args(1, 33, 257, 7) },
  { name: 'odd 129x33·33x1', args: args(1, 129, 33, 1) },
  { name: 'aᵀ·bᵀ odd 7x33·33x129 (scalar, transposed)', args: args(1, 7, 33, 129, { transA: true, transB: true }) },
  { name: '20x7·7x68 (vec4 B rows, k tail)', args: args(1, 20, 7, 68) },
  { name: 'aᵀ·bᵀ 12x20·20x36 (vec4 transposed loads)', args: args(1, 12, 20, 36, { transA: true, transB: true }) },
  { name: 'batched 3x 9x5·5x129, B broadcast', args: args(3, 9, 5, 129, { bBatchStride: 0 }) },
  { name: 'batched 2x 68x64·64x72 (aligned, vec4 everywhere, several tiles)', args: args(2, 68, 64, 72) },
];

let gpuInstance: GPU;
let backend: WebGPUBackend;
let dev: WebGPUDevice;

beforeAll(async () => {
  // one instance for the whole file: Dawn for Node aborts when a GPU instance is collected while its devices live
  gpuInstance = await getGpu();
  backend = await createWebGPUBackend({ gpu: gpuInstance });
  dev = backend.device;
});

afterAll(() => backend?.destroy());

async function runVariant(v: MatmulVariant, g: MatmulArgs, seed: number): Promise<void> {
  const aLen = (g.aBatchStride === 0 ? 1 : g.batch) * g.m * g.k;
  const bLen = (g.bBatchStride === 0 ? 1 : g.batch) * g.k * g.n;
  const a = random(aLen, seed);
  const b = random(bLen, seed + 1);
  const ref = reference(a, b, g);
  const as = backend.upload(a);
  const bs = backend.upload(b);
  // poisoned: an output element the kernel forgets to write stays NaN and fails below
  const out = backend.upload(new Float32Array(g.batch * g.m * g.n).fill(NaN));
  try {
    matmul(dev, as, bs, out, g, v);
    const got = (await backend.read(out)) as Float32Array;
    let worst = 0;
    for (let i = 0; i < got.length; i++) {
      const err = Math.abs(got[i] - ref.value[i]) / (ref.scale[i] + 1e-30);
      worst = Number.isNaN(got[i]) ? Infinity : Math.max(worst, err);
    }
    expect(worst, `${v.name}: worst error relative to Σ|a·b|`).toBeLessThanOrEqual(1e-5);
  } finally {
    for (const s of [as, bs, out]) backend.free(s);
  }
}

describe('matmul variants vs the float64 reference', () => {
  for (const v of matmulVariants) {
    it(v.name, async () => {
      let seed = 1;
      for (const c of CASES) await runVariant(v, c.args, (seed += 7));
    });
  }
});

// products with a side ≤ 32 (a classifier head, its weight gradient): the workgroup fitted to them
const NARROW_CASES: MatmulArgs[] = [
  ...CASES.map((c) => c.args).filter((g) => g.m <= 32 || g.n <= 32),
  args(1, 70, 100, 10, { transB: true }), // x·Wᵀ of a 10-class head
  args(1, 10, 45, 100, { transA: true }), // its weight gradient gᵀ·x
  args(1, 37, 16, 24), // n side, cols of 8
];

describe('matmul fitted to a narrow product vs the float64 reference', () => {
  it.each(NARROW_CASES.map((g) => [`${g.m}x${g.k}·${g.k}x${g.n}${g.transA ? ' transA' : ''}${g.transB ? ' transB' : ''}`, g] as const))('%s', async (_, g) => {
    const v = fittedVariant(g)!;
    expect(v.name).toMatch(/^fitted/);
    await runVariant(v, g, g.m * 31 + g.n);
  });

  it('is chosen on a software adapter only, and not for products wide on both sides', () => {
    const narrow = NARROW_CASES[NARROW_CASES.length - 2];
    expect(chooseMatmulVariant(dev, narrow).name.startsWith('fitted')).toBe(dev.isSoftwareAdapter);
    expect(fittedVariant(args(1, 33, 8, 33))).toBeUndefined();
  });
});

describe('matmul tuner', () => {
  const smallAligned = CASES[5].args;
  const smallUnaligned = CASES[1].args;

  it('is off in tests (test/setup.ts), so the heuristic default is deterministic', () => {
    expect(tunerFor(dev).tune).toBe(false);
    const v = chooseMatmulVariant(dev, args(1, 256, 256, 256));
    expect(v.name).toBe(dev.isSoftwareAdapter ? 'regBlocked8x8' : 'wgTiled4x4k16');
    expect(getMatmulTuning(backend).classes).toEqual({});
  });

  it('is on by default without the test setup (the library does not sniff the test runner)', () => {
    setMatmulTuningDefault(undefined);
    try {
      const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
      expect(new MatmulTuner(dev).tune).toBe(env?.WEBGRAD_MATMUL_TUNE !== '0');
    } finally {
      setMatmulTuningDefault(false);
    }
  });

  it('measures the candidates and picks a valid one', async () => {
    configureMatmulTuning(dev, { tune: true });
    const name = await tuneMatmul(backend, smallAligned);
    const candidates = tunerFor(dev).candidates().map((v) => v.name);
    expect(candidates).toContain(name);
    const entry = getMatmulTuning(backend).classes[matmulShapeClass(smallAligned)]!;
    expect(entry.source).toBe('measured');
    expect(Object.keys(entry.gflops!).sort()).toEqual([...candidates].sort());
    expect(Math.max(...Object.values(entry.gflops!))).toBeGreaterThan(0);
    expect(entry.gflops![name]).toBe(Math.max(...Object.values(entry.gflops!)));
    expect(tunerFor(dev).choose(smallAligned).name).toBe(name);
  });

  it('measures in the background on first sight and keeps the default meanwhile', async () => {
    const tuner = configureMatmulTuning(dev, { tune: true });
    const first = tunerFor(dev).choose(smallUnaligned);
    expect(first.name).toBe('regBlocked4x4');
    // the user's own work recorded meanwhile stays correct
    await runVariant(first, smallUnaligned, 99);
    await tuner.settled();
    const entry = getMatmulTuning(backend).classes['small-unaligned'];
    expect(entry?.source).toBe('measured');
    expect(tunerFor(dev).choose(smallUnaligned).name).toBe(entry!.variant);
  });

  it('respects overrides, and round-trips the table through JSON', () => {
    configureMatmulTuning(dev, { tune: true, overrides: { 'large-aligned': 'regBlocked8x4' } });
    const large = args(1, 1024, 1024, 1024);
    expect(chooseMatmulVariant(dev, large).name).toBe('regBlocked8x4'); // no measurement started: an override exists
    setMatmulVariant(backend, 'small-aligned', 'regBlocked8x8Scalar');
    expect(tunerFor(dev).choose(smallAligned).name).toBe('regBlocked8x8Scalar');
    expect(() => setMatmulVariant(backend, 'small-aligned', 'noSuchKernel')).toThrow(/unknown matmul variant/);

    const saved = JSON.parse(JSON.stringify(getMatmulTuning(backend)));
    configureMatmulTuning(dev, { tune: false });
    expect(setMatmulTuning(backend, saved)).toBe(true);
    expect(chooseMatmulVariant(dev, large).name).toBe('regBlocked8x4');
    const fresh = new MatmulTuner(dev, { tune: false, table: saved });
    expect(fresh.choose(smallAligned).name).toBe('regBlocked8x8Scalar');
    expect(setMatmulTuning(backend, { ...saved, adapter: 'some other GPU' })).toBe(false);
    configureMatmulTuning(dev, { tune: false });
  });

  it('takes tuning options at backend creation', async () => {
    const other = await createWebGPUBackend({ gpu: gpuInstance, matmulTuning: { tune: false, overrides: { 'medium-unaligned': 'regBlocked8x4' } } });
    try {
      expect(chooseMatmulVariant(other.device, args(1, 255, 255, 255)).name).toBe('regBlocked8x4');
      expect(getMatmulTuning(other).classes['medium-unaligned']).toEqual({ variant: 'regBlocked8x4', source: 'override' });
    } finally {
      other.destroy();
    }
  });

  it('times with GPU timestamps where the adapter has them', async () => {
    const adapter = await gpuInstance.requestAdapter();
    if (!adapter?.features.has('timestamp-query')) {
      console.log('matmul tuner: this adapter has no timestamp-query; wall-clock timing was tested above');
      return;
    }
    const withTimestamps = await WebGPUDevice.create({ device: await adapter.requestDevice({ requiredFeatures: ['timestamp-query'] }) });
    try {
      const seconds = await timeVariant(withTimestamps, matmulVariants[0], smallAligned);
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThan(10);
    } finally {
      withTimestamps.destroy();
    }
  });
});
