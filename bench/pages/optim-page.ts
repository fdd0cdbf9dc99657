// The browser side of `npm run bench:optim`: one optimizer step over a ~5M-parameter model,
// webgrad's fused kernels vs TensorFlow.js's WebGPU backend (tf.train.adam / sgd momentum),
// on the adapter this page gets. Gradients are fixed random tensors; only the update is timed.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-webgpu';
import * as wg from '../../src/index.js';
import { timeMedian } from '../harness/stats.js';

export interface OptimBenchOptions {
  /** parameter tensor shapes; the default totals ~5M parameters */
  shapes: number[][];
  iterations: number;
}

export interface OptimBenchRow {
  optimizer: string;
  webgradMs: number;
  tfjsMs: number;
  webgradDispatchesPerStep: number;
  /** buffer copies per step (each gradient into the optimizer's flat gradient arena): not kernels */
  webgradCopiesPerStep: number;
  tfjsKernelsPerStep: number;
  /** max |webgrad − tfjs| / max |tfjs| over the parameters after the timed steps (same math?) */
  maxRelDiff: number;
}

export interface OptimBenchResult {
  parameters: number;
  rows: OptimBenchRow[];
  webgradAdapter: string;
}

function randomData(n: number, seed: number, scale: number): Float32Array {
  const r = new wg.Random(seed);
  return r.uniform(n, -scale, scale);
}

type Maker = {
  name: string;
  webgrad: (p: wg.Tensor[]) => wg.optim.Optimizer;
  tfjs: () => tf.Optimizer;
};

const makers: Maker[] = [
  // the same hyper-parameters on both sides (tfjs's default eps is 1e-7); tfjs's RMSprop puts eps
  // inside the square root, PyTorch's (webgrad's) outside, so only its timing compares
  { name: 'Adam', webgrad: (p) => new wg.optim.Adam(p, { lr: 1e-3, eps: 1e-7 }), tfjs: () => tf.train.adam(1e-3, 0.9, 0.999, 1e-7) },
  { name: 'SGD momentum 0.9', webgrad: (p) => new wg.optim.SGD(p, { lr: 1e-2, momentum: 0.9 }), tfjs: () => tf.train.momentum(1e-2, 0.9) },
  { name: 'RMSprop', webgrad: (p) => new wg.optim.RMSprop(p, { lr: 1e-3, alpha: 0.9, eps: 1e-7 }), tfjs: () => tf.train.rmsprop(1e-3, 0.9, 0, 1e-7) },
];

async function runOptimBench(opts: OptimBenchOptions, progress: (line: string) => void): Promise<OptimBenchResult> {
  const be = await wg.init();
  await tf.setBackend('webgpu');
  await tf.ready();
  const parameters = opts.shapes.reduce((s, shape) => s + shape.reduce((a, b) => a * b, 1), 0);
  progress(`${(parameters / 1e6).toFixed(2)}M parameters in ${opts.shapes.length} tensors; webgrad on ${be.adapterName}`);
  const rows: OptimBenchRow[] = [];
  for (const maker of makers) {
    const sizes = opts.shapes.map((s) => s.reduce((a, b) => a * b, 1));
    const init = sizes.map((n, i) => randomData(n, 10 + i, 0.1));
    const grads = sizes.map((n, i) => randomData(n, 100 + i, 0.01));

    // webgrad: parameters with fixed gradients; a step = optimizer.step() + flush + GPU done
    const params = init.map((d, i) => wg.tensor(d, opts.shapes[i]).keep().requireGrad());
    params.forEach((p, i) => (p.grad = wg.tensor(grads[i], opts.shapes[i]).keep()));
    const opt = maker.webgrad(params);
    // both sides force completion the same way: read back the last (10-element) parameter
    const webgradStep = async () => {
      opt.step();
      await params[params.length - 1].data();
    };
    await webgradStep(); // compiles pipelines, creates state
    wg.resetStats();
    await webgradStep();
    const webgradDispatches = wg.stats().dispatches;
    const webgradCopies = wg.stats().copies;
    const webgradSeconds = await timeMedian(webgradStep, 1, opts.iterations);

    // tfjs: the same, through applyGradients
    const vars = init.map((d, i) => tf.variable(tf.tensor(d, opts.shapes[i])));
    const tgrads = grads.map((d, i) => tf.tensor(d, opts.shapes[i]));
    const named = Object.fromEntries(vars.map((v, i) => [v.name, tgrads[i]]));
    const topt = maker.tfjs();
    const tfjsStep = async () => {
      topt.applyGradients(named);
      await vars[vars.length - 1].data();
    };
    await tfjsStep();
    const profile = await tf.profile(() => topt.applyGradients(named));
    const tfjsKernels = profile.kernels.length;
    const tfjsSeconds = await timeMedian(tfjsStep, 1, opts.iterations);

    // both took the same number of steps: compare the parameters as a sanity check
    const steps = 1 + 1 + 1 + opts.iterations; // warm-up, counted, timing warm-up, timed
    const tfjsSteps = 1 + 1 + 1 + opts.iterations; // warm-up, profiled, timing warm-up, timed
    let maxRelDiff = NaN;
    if (steps === tfjsSteps) {
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < params.length; i++) {
        const a = (await params[i].data()) as Float32Array;
        const b = (await vars[i].data()) as Float32Array;
        for (let j = 0; j < a.length; j++) {
          diff = Math.max(diff, Math.abs(a[j] - b[j]));
          scale = Math.max(scale, Math.abs(b[j]));
        }
      }
      maxRelDiff = diff / scale;
    }
    rows.push({
      optimizer: maker.name,
      webgradMs: webgradSeconds * 1000,
      tfjsMs: tfjsSeconds * 1000,
      webgradDispatchesPerStep: webgradDispatches,
      webgradCopiesPerStep: webgradCopies,
      tfjsKernelsPerStep: tfjsKernels,
      maxRelDiff,
    });
    progress(`${maker.name}: webgrad ${(webgradSeconds * 1000).toFixed(1)} ms (${webgradDispatches} dispatches), tfjs ${(tfjsSeconds * 1000).toFixed(1)} ms (${tfjsKernels} kernels)`);
    opt.dispose();
    for (const p of params) p.dispose();
    for (const v of vars) v.dispose();
    for (const g of tgrads) g.dispose();
    topt.dispose();
  }
  return { parameters, rows, webgradAdapter: be.adapterName };
}

(window as unknown as { runOptimBench: typeof runOptimBench }).runOptimBench = runOptimBench;
