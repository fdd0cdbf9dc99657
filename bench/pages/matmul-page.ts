// The browser side of `npm run bench:matmul`: square f32 matmuls timed for every webgrad
// WebGPU variant, the tuner's choice, the CPU reference (small sizes) and TensorFlow.js's
// WebGPU backend, all on the adapter this page gets. bench/matmul.ts calls
// window.runMatmulBench(options, progress) through bench/harness/run-page.ts.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import type { MatmulArgs } from '../../src/backend/types.js';
import { createWebGPUBackend } from '../../src/backend/webgpu/index.js';
import { matmul, matmulShapeClass, matmulVariants } from '../../src/backend/webgpu/matmul.js';
import { configureMatmulTuning, getMatmulTuning, tuneMatmul } from '../../src/backend/webgpu/matmul-tuner.js';
import { matmulGflops, timeMedian } from '../harness/stats.js';

export interface MatmulBenchOptions {
  sizes: number[];
  /** sizes the CPU reference runs at (it is slow) */
  cpuSizes: number[];
  /** a measurement whose single run is predicted to take longer than this is skipped */
  maxRunSeconds: number;
  /** the same for the tuner's choice, which always gets a number unless it is this slow */
  maxTunedRunSeconds: number;
  /** the same for TensorFlow.js, which is the baseline and so gets a larger budget */
  maxTfjsRunSeconds: number;
}

export interface MatmulBenchRow {
  size: number;
  shapeClass: string;
  /** GFLOP/s per variant; null = skipped (predicted too slow from the previous size) */
  variants: Record<string, number | null>;
  tunedVariant: string;
  tunedGflops: number | null;
  tuneSeconds: number;
  cpuGflops: number | null;
  tfjsGflops: number | null;
  /** max |webgrad - tfjs| / max |tfjs| on this size's product (a sanity check of both) */
  maxRelDiffVsTfjs: number | null;
  /** max |webgrad - float64| / Σ|a·b| over 64 sampled entries (the tuned path's own check) */
  sampledErrorVsFloat64: number;
}

export interface MatmulBenchResult {
  rows: MatmulBenchRow[];
  tuning: unknown;
  webgradAdapter: string;
}

function randomMatrix(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n * n);
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

/** a float64 check of 64 entries spread over the product, relative to Σ|a·b| per entry */
function sampledError(a: Float32Array, b: Float32Array, c: Float32Array, n: number): number {
  let worst = 0;
  for (let s = 0; s < 64; s++) {
    const i = (s * 7919) % n;
    const j = (s * 104729 + 13) % n;
    let sum = 0;
    let abs = 0;
    for (let t = 0; t < n; t++) {
      sum += a[i * n + t] * b[t * n + j];
      abs += Math.abs(a[i * n + t] * b[t * n + j]);
    }
    worst = Math.max(worst, Number.isNaN(c[i * n + j]) ? Infinity : Math.abs(c[i * n + j] - sum) / abs);
  }
  return worst;
}

/** how many timed runs fit a few seconds, and whether a warm-up run is affordable */
function plan(estimateSeconds: number): { warmup: number; iterations: number } {
  return { warmup: estimateSeconds < 1.5 ? 1 : 0, iterations: Math.max(2, Math.min(7, Math.floor(3 / estimateSeconds))) };
}

async function runMatmulBench(opts: MatmulBenchOptions, progress: (line: string) => void): Promise<MatmulBenchResult> {
  const gpu = await createWebGPUBackend();
  const dev = gpu.device;
  configureMatmulTuning(dev, { tune: true });
  const cpu = createCpuBackend();
  await tf.setBackend('webgpu');
  await tf.ready();
  const lastGflops = new Map<string, number>();
  const estimate = (key: string, n: number) => (lastGflops.has(key) ? (2 * n ** 3) / (lastGflops.get(key)! * 1e9) : 0.05);
  const rows: MatmulBenchRow[] = [];

  for (const n of opts.sizes) {
    const a = randomMatrix(n, n);
    const b = randomMatrix(n, n + 1);
    const args: MatmulArgs = { batch: 1, m: n, n, k: n, transA: false, transB: false, aBatchStride: n * n, bBatchStride: n * n };
    const row: MatmulBenchRow = {
      size: n, shapeClass: matmulShapeClass(args), variants: {}, tunedVariant: '', tunedGflops: null, tuneSeconds: 0,
      cpuGflops: null, tfjsGflops: null, maxRelDiffVsTfjs: null, sampledErrorVsFloat64: 0,
    };
    const t0 = performance.now();
    row.tunedVariant = await tuneMatmul(gpu, args);
    row.tuneSeconds = (performance.now() - t0) / 1000;
    progress(`n=${n} (${row.shapeClass}): tuner chose ${row.tunedVariant} in ${row.tuneSeconds.toFixed(1)} s`);

    const as = gpu.upload(a);
    const bs = gpu.upload(b);
    const out = gpu.alloc(n * n, 'float32');
    for (const v of matmulVariants) {
      const est = estimate(v.name, n);
      if (est > (v.name === row.tunedVariant ? opts.maxTunedRunSeconds : opts.maxRunSeconds)) {
        row.variants[v.name] = null;
        progress(`n=${n} ${v.name}: skipped (predicted ${est.toFixed(0)} s per run)`);
        continue;
      }
      const { warmup, iterations } = plan(est);
      const seconds = await timeMedian(async () => {
        matmul(dev, as, bs, out, args, v);
        await dev.flush();
        await dev.device.queue.onSubmittedWorkDone();
      }, warmup, iterations);
      const g = matmulGflops(n, seconds);
      lastGflops.set(v.name, g);
      row.variants[v.name] = g;
      progress(`n=${n} ${v.name}: ${g.toFixed(2)} GFLOP/s (median of ${iterations}, ${(seconds * 1000).toFixed(0)} ms)`);
    }
    row.tunedGflops = row.variants[row.tunedVariant] ?? null;
    matmul(dev, as, bs, out, args); // the tuned path, for the comparison with tfjs below
    const ours = (await gpu.read(out)) as Float32Array;
    row.sampledErrorVsFloat64 = sampledError(a, b, ours, n);
    for (const s of [as, bs, out]) gpu.free(s);

    if (opts.cpuSizes.includes(n)) {
      const ca = cpu.upload(a);
      const cb = cpu.upload(b);
      const co = cpu.alloc(n * n, 'float32');
      const seconds = await timeMedian(async () => cpu.matmul(ca, cb, co, args), 0, n <= 256 ? 3 : 1);
      row.cpuGflops = matmulGflops(n, seconds);
      progress(`n=${n} webgrad-cpu: ${row.cpuGflops.toFixed(3)} GFLOP/s`);
    }

    const est = estimate('tfjs', n);
    if (est > opts.maxTfjsRunSeconds) {
      progress(`n=${n} tfjs-webgpu: skipped (predicted ${est.toFixed(0)} s per run)`);
    } else {
      const ta = tf.tensor2d(a, [n, n]);
      const tb = tf.tensor2d(b, [n, n]);
      // the check's run also compiles tfjs's program for this shape; where a run is too long to
      // repeat, it is the timed run (compile included: well under 1 s of a run over 10 s)
      const single = est > 10;
      const checkStart = performance.now();
      const product = tf.matMul(ta, tb);
      const theirs = (await product.data()) as Float32Array;
      const checkSeconds = (performance.now() - checkStart) / 1000;
      product.dispose();
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < theirs.length; i++) {
        diff = Math.max(diff, Math.abs(theirs[i] - ours[i]));
        scale = Math.max(scale, Math.abs(theirs[i]));
      }
      row.maxRelDiffVsTfjs = diff / scale;
      const { iterations } = plan(est);
      const seconds = single ? checkSeconds : await timeMedian(async () => {
        // tfjs keeps its compute pass open between ops, so completion is forced with its own
        // readback (submitting its queue from outside breaks its encoder); n² floats back is
        // small next to the n³ product
        const c = tf.matMul(ta, tb);
        await c.data();
        c.dispose();
      }, 0, iterations);
      row.tfjsGflops = matmulGflops(n, seconds);
      lastGflops.set('tfjs', row.tfjsGflops);
      ta.dispose();
      tb.dispose();
      progress(`n=${n} tfjs-webgpu: ${row.tfjsGflops.toFixed(2)} GFLOP/s (${single ? 'one run' : `median of ${iterations}`}; max rel diff vs webgrad ${row.maxRelDiffVsTfjs.toExponential(1)})`);
    }
    rows.push(row);
  }
  const result = { rows, tuning: getMatmulTuning(gpu), webgradAdapter: dev.adapterName };
  gpu.destroy();
  return result;
}

(window as unknown as { runMatmulBench: typeof runMatmulBench }).runMatmulBench = runMatmulBench;
