// The browser side of `npm run bench:conv`: conv2d forward, input-gradient and weight-gradient
// passes timed for webgrad (each algorithm: the per-shape choice, and the implicit GEMM where
// asked) and TensorFlow.js's WebGPU backend on the adapter this page gets, plus a full training
// step of the ConvNetJS CIFAR-10 net on both. bench/conv.ts calls window.runConvBench.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import * as wg from '../../src/index.js';
import type { Conv2dArgs } from '../../src/backend/types.js';
import { type ConvAlgorithm, chooseConvAlgorithm, conv2d, conv2dBackwardInput, conv2dBackwardWeight, forceConvAlgorithm } from '../../src/backend/webgpu/conv.js';
import type { WebGPUBackend } from '../../src/backend/webgpu/index.js';
import { configureMatmulTuning } from '../../src/backend/webgpu/matmul-tuner.js';
import { convArgs } from '../../src/ops/conv.js';
import { timeMedian } from '../harness/stats.js';
import { tfjsConvNetStep, webgradConvNetStep } from './convnet-step.js';

export interface ConvShape {
  name: string;
  x: [number, number, number, number];
  /** filters, kernel size, padding (stride 1: tfjs 'same') */
  filters: number;
  kernel: number;
  pad: number;
}

export interface ConvBenchOptions {
  shapes: ConvShape[];
  /** shapes (by name) where the implicit-GEMM kernel is also timed (it is slow) */
  implicitShapes: string[];
  /** training steps timed per library (0: skip the training-step measurement) */
  trainSteps: number;
  /** also time the training step with the implicit GEMM forced (the "before") */
  trainBefore: boolean;
  /** webgrad training steps run under wg.profileKernels for a per-kernel breakdown (0: none) */
  profileSteps: number;
}

export type ConvPass = 'forward' | 'inputGrad' | 'weightGrad';
export const PASSES: ConvPass[] = ['forward', 'inputGrad', 'weightGrad'];

export interface ConvBenchRow {
  shape: string;
  pass: ConvPass;
  gflop: number;
  chosen: ConvAlgorithm;
  /** seconds per pass (median), null where not run */
  seconds: Record<'webgrad' | 'implicitGemm' | 'tfjs', number | null>;
  /** max |webgrad − tfjs| / max |tfjs| of this pass's result (both libraries checked against each other) */
  maxRelDiffVsTfjs: number;
}

export interface TrainStepResult {
  batch: number;
  imagesPerSecond: Record<'webgrad' | 'webgradImplicit' | 'tfjs', number | null>;
  /** webgrad's GPU time per kernel label, summed over `profileSteps` steps (empty when not profiled) */
  kernels: wg.KernelTiming[];
  profileSteps: number;
}

export interface ConvBenchResult {
  rows: ConvBenchRow[];
  train: TrainStepResult | null;
  webgradAdapter: string;
}

const random = (n: number, seed: number): Float32Array => new wg.Random(seed).uniform(n, -1, 1);

/** NCHW ↔ NHWC and OIHW → HWIO, outside every timed region */
function permute(src: Float32Array, dims: number[], order: number[]): Float32Array {
  const outDims = order.map((o) => dims[o]);
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const out = new Float32Array(src.length);
  const idx = new Array<number>(dims.length).fill(0);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let d = 0; d < order.length; d++) s += idx[d] * strides[order[d]];
    out[i] = src[s];
    for (let d = dims.length - 1; d >= 0; d--) if (++idx[d] < outDims[d]) break; else idx[d] = 0;
  }
  return out;
}
const nchwToNhwc = (a: Float32Array, [n, c, h, w]: number[]) => permute(a, [n, c, h, w], [0, 2, 3, 1]);
const nhwcToNchw = (a: Float32Array, [n, h, w, c]: number[]) => permute(a, [n, h, w, c], [0, 3, 1, 2]);
const oihwToHwio = (a: Float32Array, [o, i, h, w]: number[]) => permute(a, [o, i, h, w], [2, 3, 1, 0]);
const hwioToOihw = (a: Float32Array, [h, w, i, o]: number[]) => permute(a, [h, w, i, o], [3, 2, 0, 1]);

function maxRelDiff(ours: ArrayLike<number>, theirs: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < theirs.length; i++) {
    diff = Math.max(diff, Number.isNaN(ours[i]) ? Infinity : Math.abs(ours[i] - theirs[i]));
    scale = Math.max(scale, Math.abs(theirs[i]));
  }
  return diff / scale;
}

/** 2 timed runs when one is short, else 1 (the agreement check's run already warmed up) */
const runsFor = (predictedSeconds: number) => ({ warmup: 0, iterations: predictedSeconds > 6 ? 1 : 2 });

async function benchShape(be: WebGPUBackend, s: ConvShape, withImplicit: boolean, progress: (l: string) => void): Promise<ConvBenchRow[]> {
  const dev = be.device;
  const [n, cIn, h, w] = s.x;
  const wShape = [s.filters, cIn, s.kernel, s.kernel];
  const a: Conv2dArgs = convArgs(s.x, wShape, [1, 1], [s.pad, s.pad], [1, 1], 1);
  const gflop = (2 * n * s.filters * a.outH * a.outW * cIn * s.kernel * s.kernel) / 1e9;
  const ySize = n * s.filters * a.outH * a.outW;
  const xData = random(n * cIn * h * w, 1);
  const wData = random(wShape.reduce((p, d) => p * d, 1), 2);
  const gData = random(ySize, 3);
  const x = be.upload(xData);
  const wt = be.upload(wData);
  const gy = be.upload(gData);
  const outs = { forward: be.alloc(ySize, 'float32'), inputGrad: be.alloc(xData.length, 'float32'), weightGrad: be.alloc(wData.length, 'float32') };
  const webgradPass = (pass: ConvPass, algorithm: ConvAlgorithm) => {
    if (pass === 'forward') conv2d(dev, x, wt, null, outs.forward, a, 'none', 0, algorithm);
    else if (pass === 'inputGrad') conv2dBackwardInput(dev, gy, wt, outs.inputGrad, a, algorithm);
    else conv2dBackwardWeight(dev, gy, x, outs.weightGrad, a, algorithm);
  };
  // webgrad records into its own encoder; submitting it and waiting on the queue is its completion
  const finishWebgrad = async () => {
    await dev.flush();
    await dev.device.queue.onSubmittedWorkDone();
  };

  const tx = tf.tensor4d(nchwToNhwc(xData, s.x), [n, h, w, cIn]);
  const tw = tf.tensor4d(oihwToHwio(wData, wShape), [s.kernel, s.kernel, cIn, s.filters]);
  const tg = tf.tensor4d(nchwToNhwc(gData, [n, s.filters, a.outH, a.outW]), [n, a.outH, a.outW, s.filters]);
  const attrs = { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1] };
  // the kernels tf.grads would run for conv2d's two gradients
  const tfjsPass = (pass: ConvPass): tf.Tensor => pass === 'forward'
    ? tf.conv2d(tx, tw, 1, 'same')
    : pass === 'inputGrad'
      ? tf.engine().runKernel('Conv2DBackpropInput', { dy: tg, filter: tw }, { ...attrs, inputShape: [n, h, w, cIn] }) as tf.Tensor
      : tf.engine().runKernel('Conv2DBackpropFilter', { x: tx, dy: tg }, { ...attrs, filterShape: [s.kernel, s.kernel, cIn, s.filters] }) as tf.Tensor;
  // tfjs keeps its compute pass open between ops: completion is forced by a one-element readback
  const finishTfjs = async (t: tf.Tensor) => {
    const corner = tf.slice(t, new Array(t.rank).fill(0), new Array(t.rank).fill(1));
    await corner.data();
    corner.dispose();
    t.dispose();
  };

  const rows: ConvBenchRow[] = [];
  for (const pass of PASSES) {
    const chosen = chooseConvAlgorithm(a);
    const seconds: ConvBenchRow['seconds'] = { webgrad: null, implicitGemm: null, tfjs: null };
    // the first (untimed or only) run of each side is also the agreement check
    webgradPass(pass, chosen);
    const oursRaw = (await be.read(outs[pass])) as Float32Array;
    const t0 = performance.now();
    const theirsT = tfjsPass(pass);
    const theirsRaw = (await theirsT.data()) as Float32Array;
    const tfjsFirst = (performance.now() - t0) / 1000;
    const theirs = pass === 'weightGrad' ? hwioToOihw(theirsRaw, [s.kernel, s.kernel, cIn, s.filters])
      : nhwcToNchw(theirsRaw, theirsT.shape as number[]);
    theirsT.dispose();
    const diff = maxRelDiff(oursRaw, theirs);

    // predicted from ~1 GFLOP/s
    const r = runsFor(gflop);
    seconds.webgrad = await timeMedian(async () => { webgradPass(pass, chosen); await finishWebgrad(); }, r.warmup, r.iterations);
    // a run over 6 s is not repeated: the check's run is the timing (its program compile, well
    // under a second, included), which keeps the 10-GFLOP shape inside the bench's budget
    seconds.tfjs = tfjsFirst > 6 ? tfjsFirst : await timeMedian(async () => finishTfjs(tfjsPass(pass)), 0, 2);
    if (withImplicit && chosen !== 'implicitGemm') {
      // pipelines compile on a one-image run first, so the single timed run is the kernel's
      const one = { ...a, n: 1 };
      if (pass === 'forward') conv2d(dev, x, wt, null, outs.forward, one, 'none', 0, 'implicitGemm');
      else if (pass === 'inputGrad') conv2dBackwardInput(dev, gy, wt, outs.inputGrad, one, 'implicitGemm');
      else conv2dBackwardWeight(dev, gy, x, outs.weightGrad, one, 'implicitGemm');
      await finishWebgrad();
      seconds.implicitGemm = await timeMedian(async () => { webgradPass(pass, 'implicitGemm'); await finishWebgrad(); }, 0, 1);
    }
    const g = (t: number | null) => (t === null ? '-' : `${(gflop / t).toFixed(2)} GFLOP/s`);
    progress(`${s.name} ${pass}: webgrad ${chosen} ${g(seconds.webgrad)}, implicit ${g(seconds.implicitGemm)}, tfjs ${g(seconds.tfjs)} (max rel diff ${diff.toExponential(1)})`);
    rows.push({ shape: s.name, pass, gflop, chosen, seconds, maxRelDiffVsTfjs: diff });
  }
  for (const t of [x, wt, gy, ...Object.values(outs)]) be.free(t);
  for (const t of [tx, tw, tg]) t.dispose();
  return rows;
}

async function timeTrainSteps(step: () => Promise<void>, steps: number): Promise<number> {
  await step(); // compiles every pipeline / program (and starts webgrad's matmul tuner where on)
  // the tuner's measurements must not share the queue with the timed steps; its picks compile on one more step
  await wg.settled();
  await step();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  return (performance.now() - t0) / 1000 / steps;
}

async function runConvBench(opts: ConvBenchOptions, progress: (line: string) => void): Promise<ConvBenchResult> {
  const be = (await wg.init()) as WebGPUBackend;
  // the heuristic matmul variant (no background tuning submits inside the timed runs)
  configureMatmulTuning(be.device, { tune: false });
  await tf.setBackend('webgpu');
  await tf.ready();
  const rows: ConvBenchRow[] = [];
  for (const s of opts.shapes) rows.push(...(await benchShape(be, s, opts.implicitShapes.includes(s.name), progress)));

  let train: TrainStepResult | null = null;
  if (opts.trainSteps > 0) {
    const batch = 64;
    train = { batch, imagesPerSecond: { webgrad: null, webgradImplicit: null, tfjs: null }, kernels: [], profileSteps: opts.profileSteps };
    // the training step as users get it: matmul variants measured per shape class (the per-shape
    // rows above use the untuned heuristic, so no background measurement shares their timed runs)
    configureMatmulTuning(be.device, { tune: true });
    const ours = webgradConvNetStep(batch);
    train.imagesPerSecond.webgrad = batch / (await timeTrainSteps(ours.step, opts.trainSteps));
    progress(`training step (batch ${batch}): webgrad ${train.imagesPerSecond.webgrad.toFixed(1)} img/s`);
    if (opts.profileSteps > 0) {
      train.kernels = await wg.profileKernels(async () => {
        for (let i = 0; i < opts.profileSteps; i++) await ours.step();
      });
      progress(`training step: profiled ${opts.profileSteps} webgrad steps (${train.kernels.length} kernel labels)`);
    }
    if (opts.trainBefore) {
      forceConvAlgorithm('implicitGemm');
      train.imagesPerSecond.webgradImplicit = batch / (await timeTrainSteps(ours.step, 1));
      forceConvAlgorithm(null);
      progress(`training step: webgrad with the implicit GEMM (before) ${train.imagesPerSecond.webgradImplicit.toFixed(1)} img/s`);
    }
    ours.dispose();
    const theirs = tfjsConvNetStep(batch);
    train.imagesPerSecond.tfjs = batch / (await timeTrainSteps(theirs.step, opts.trainSteps));
    theirs.dispose();
    progress(`training step: tfjs-webgpu ${train.imagesPerSecond.tfjs.toFixed(1)} img/s`);
  }
  return { rows, train, webgradAdapter: be.adapterName };
}

(window as unknown as { runConvBench: typeof runConvBench }).runConvBench = runConvBench;
