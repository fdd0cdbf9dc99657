// The course's capacity and regularisation pictures: a 2-layer MLP (2 → H → classes, ReLU)
// trained full-batch on a 2-D toy set with cross-entropy + λ·ΣW², then asked for its class at
// every cell of a grid over the data. More hidden units carve finer regions; a larger λ
// smooths them. Everything runs on the active backend with the library's own layers, loss,
// penalty and optimizer; the seed fixes the initial weights, and full-batch steps have no
// sampling, so a seed gives the same grid every time.
import { tensor } from '../creation.js';
import * as F from '../nn/functional.js';
import { Linear, ReLU, Sequential } from '../nn/layers.js';
import { Adam, SGD } from '../optim/index.js';
import { getBackend, keep, noGrad, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { accuracyOf } from './knn.js';
import { boundsOf, gridPoints, type Bounds, type ToyData } from './toy-data.js';

export interface DecisionRegionOptions {
  hidden: number;
  /** λ of the penalty λ·Σ W² over both weight matrices (biases are not penalised); default 0.001 */
  lambda?: number;
  /** full-batch steps (default 2000) */
  steps?: number;
  /** default 0.02 for Adam, 0.5 for SGD */
  lr?: number;
  optimizer?: 'adam' | 'sgd';
  seed?: number;
  /** grid cells across and down (default 96 × 96) */
  width?: number;
  height?: number;
  /** the grid covers the data's bounding box widened by this fraction (default 0.1) */
  margin?: number;
}

export interface ClassGrid {
  /** class id per cell, row-major, row 0 at the top */
  grid: Int32Array;
  width: number;
  height: number;
  bounds: Bounds;
}

export interface DecisionRegions extends ClassGrid {
  hidden: number;
  lambda: number;
  trainAccuracy: number;
  /** the objective (data loss + penalty) after the last step */
  finalLoss: number;
}

/**
 * The λ of λ·ΣW² that matches ConvNetJS's `l2_decay`, the setting the course's regularisation
 * pictures were made with (cs231n's notes use its 2-D demo). ConvNetJS adds l2_decay·w to the
 * gradient summed over a batch and divides both by the batch size (10 in that demo), so its
 * objective is the mean loss + (l2_decay / (2·batchSize))·ΣW².
 */
export function convnetjsLambda(l2Decay: number, batchSize = 10): number {
  return l2Decay / (2 * batchSize);
}

/** Trains the MLP on `data` and returns its decision regions on a grid over the data. */
export async function decisionRegions(data: ToyData, opts: DecisionRegionOptions): Promise<DecisionRegions> {
  const { hidden, lambda = 1e-3, steps = 2000, optimizer = 'adam', seed = 0 } = opts;
  if (!(Number.isInteger(hidden) && hidden > 0)) throw new Error(`webgrad: decisionRegions: hidden must be a positive integer, got ${hidden}`);
  const net = new Sequential(new Linear(2, hidden, { seed }), new ReLU(), new Linear(hidden, data.classes, { seed: seed + 1 }));
  const weights = [(net.at(0) as Linear).weight, (net.at(2) as Linear).weight];
  const lr = opts.lr ?? (optimizer === 'adam' ? 0.02 : 0.5);
  const opt = optimizer === 'adam' ? new Adam(net.parameters(), { lr }) : new SGD(net.parameters(), { lr, momentum: 0.9 });
  const be = getBackend();
  let lastLoss: Tensor | null = null;
  try {
    for (let step = 0; step < steps; step++) {
      const loss = tidy(() => {
        const objective = F.crossEntropy(net.forward(data.x), data.y).add(F.l2Penalty(weights, lambda));
        opt.zeroGrad();
        objective.backward();
        opt.step();
        return objective.detach();
      });
      lastLoss?.dispose();
      lastLoss = keep(loss);
      // no readback inside the loop; a flush now and then keeps a browser tab responsive
      if (step % 100 === 99) await be.flush();
    }
    const finalLoss = lastLoss ? await lastLoss.item() : NaN;
    const predictions = noGrad(() => tidy(() => net.forward(data.x).argmax(1)));
    const trainAccuracy = accuracyOf(Int32Array.from(await predictions.data()), data.labels);
    predictions.dispose();
    const regions = await classifyGrid((pts) => net.forward(pts).argmax(1), boundsOf(data.points, opts.margin ?? 0.1), opts.width ?? 96, opts.height ?? 96);
    return { ...regions, hidden, lambda, trainAccuracy, finalLoss };
  } finally {
    lastLoss?.dispose();
    opt.dispose();
    net.dispose();
  }
}

/**
 * The class `predict` gives at the centre of every cell of a width × height grid over
 * `bounds`. `predict` maps float32 points [M, 2] to int32 class ids [M]; `transform`, when
 * given, maps the host grid points first (e.g. to polar coordinates).
 */
export async function classifyGrid(
  predict: (points: Tensor) => Tensor, bounds: Bounds, width: number, height: number, transform?: (points: Float32Array) => Float32Array,
): Promise<ClassGrid> {
  const raw = gridPoints(bounds, width, height);
  const pts = transform ? transform(raw) : raw;
  const ids = noGrad(() => tidy(() => predict(tensor(pts, [width * height, 2]))));
  const grid = Int32Array.from(await ids.data());
  ids.dispose();
  return { grid, width, height, bounds };
}
