// The classic-course panels: each computes with wg.classic on the active backend, draws on
// its canvases and returns a summary (the numbers the pictures script prints).
import * as wg from '../../../src/index.js';
import type { Subset } from './cifar-subset.js';
import { drawCurve, drawHeatMap, drawPaths, drawPoints, drawRegions, drawTemplates, label } from './draw.js';

export interface PanelSummary {
  /** canvas id → what it shows */
  pictures: Record<string, string>;
  /** named numbers, e.g. training accuracies */
  figures: Record<string, number>;
}

export type ToyName = 'spiral' | 'circles';

export function toyData(name: ToyName, seed: number): wg.classic.ToyData {
  return name === 'spiral' ? wg.classic.spiral({ classes: 3, pointsPerClass: 100, seed }) : wg.classic.circles({ pointsPerClass: 100, seed });
}

function canvas(id: string): HTMLCanvasElement {
  const el = document.getElementById(id);
  if (!(el instanceof HTMLCanvasElement)) throw new Error(`classic page: no canvas #${id}`);
  return el;
}

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** the capacity (H = 3, 6, 20) and regularisation (λ = 0.001, 0.01, 0.1) pictures */
export async function regionsPanel(data: wg.classic.ToyData, name: ToyName, opts: { steps: number; seed: number }, progress: (s: string) => void): Promise<PanelSummary> {
  const summary: PanelSummary = { pictures: {}, figures: {} };
  // the course's λ values are ConvNetJS l2_decay settings (see convnetjsLambda)
  const runs = [
    ...[3, 6, 20].map((hidden) => ({ id: `capacity-${hidden}`, hidden, decay: 0.001, title: `${hidden} hidden units` })),
    ...[0.001, 0.01, 0.1].map((decay) => ({ id: `lambda-${decay}`, hidden: 20, decay, title: `λ = ${decay}` })),
  ];
  // 20 hidden units at λ 0.001 appear in both rows: trained once
  const trained = new Map<string, wg.classic.DecisionRegions>();
  for (const run of runs) {
    progress(`decision regions: ${run.title} on the ${name}…`);
    const lambda = wg.classic.convnetjsLambda(run.decay);
    const key = `${run.hidden}/${run.decay}`;
    const r = trained.get(key) ?? await wg.classic.decisionRegions(data, { hidden: run.hidden, lambda, steps: opts.steps, seed: opts.seed, width: 120, height: 120 });
    trained.set(key, r);
    const c = canvas(run.id);
    drawRegions(c, r, data.points, data.labels);
    label(c, run.title);
    label(c, `train accuracy ${pct(r.trainAccuracy)}`, 1);
    summary.pictures[run.id] = `${name}, 2 → ${run.hidden} → ${data.classes} MLP, ReLU, λ ${run.decay} (ConvNetJS l2_decay; ${lambda.toExponential(1)}·ΣW²), ${opts.steps} Adam steps`;
    summary.figures[`${run.id} train accuracy`] = r.trainAccuracy;
    summary.figures[`${run.id} final loss`] = r.finalLoss;
  }
  return summary;
}

/** rings in (x, y) and in (r, θ), each with its linear classifier's regions */
export async function transformPanel(seed: number, progress: (s: string) => void): Promise<PanelSummary> {
  progress('feature transform: linear classifiers in (x, y) and (r, θ)…');
  const data = wg.classic.circles({ pointsPerClass: 100, seed });
  const r = await wg.classic.featureTransform(data, { width: 120, height: 120, seed });
  const xy = canvas('transform-xy');
  drawRegions(xy, r.xy.regions, data.points, data.labels);
  label(xy, '(x, y): linear classifier');
  label(xy, `train accuracy ${pct(r.xy.accuracy)}`, 1);
  const rt = canvas('transform-polar');
  drawRegions(rt, r.polar.regions, r.polar.points, data.labels);
  label(rt, '(r, θ): linear classifier (r across, θ up)');
  label(rt, `train accuracy ${pct(r.polar.accuracy)}`, 1);
  const back = canvas('transform-back');
  drawRegions(back, r.polarInXy, data.points, data.labels);
  label(back, 'the (r, θ) classifier in (x, y)');
  data.x.dispose();
  data.y.dispose();
  return {
    pictures: {
      'transform-xy': 'circles: softmax linear classifier on (x, y)',
      'transform-polar': 'circles in (r, θ): softmax linear classifier on (r, θ)',
      'transform-back': 'the (r, θ) classifier’s regions mapped back to (x, y): a circle',
    },
    figures: { 'linear accuracy in (x, y)': r.xy.accuracy, 'linear accuracy in (r, θ)': r.polar.accuracy },
  };
}

/** a linear SVM on the image subset; its class templates and the loss-surface slices at its W */
export async function linearPanels(subset: Subset, opts: { epochs: number; seed: number; lambda: number }, progress: (s: string) => void): Promise<PanelSummary> {
  progress(`linear SVM on ${subset.count} images (${subset.source})…`);
  const lambda = opts.lambda;
  const model = new wg.classic.LinearClassifier({ loss: 'svm', inputSize: 3072, numClasses: 10, lambda, seed: opts.seed });
  try {
    await model.fit(subset.x, subset.y, { epochs: opts.epochs, batchSize: 100, lr: 2e-3, optimizer: 'momentum', seed: opts.seed });
    const accuracy = await model.accuracy(subset.x, subset.y);
    const templates = model.templates([3, 32, 32]);
    drawTemplates(canvas('templates'), Float32Array.from(await templates.data()), subset.classNames);
    templates.dispose();

    progress('loss surface slices…');
    // the objective the SVM minimised (data loss + λ·ΣW²) on its first images, so W sits near the bottom
    const n = Math.min(subset.count, 200);
    const x = wg.tensor(subset.x.subarray(0, n * 3072), [n, 3072]);
    const y = wg.tensor(subset.y.subarray(0, n), [n], { dtype: 'int32' });
    const problem = { loss: 'svm' as const, x, y, weight: model.weight, bias: model.bias, lambda };
    const d1 = await wg.classic.randomDirection(model.weight, opts.seed + 11);
    const d2 = await wg.classic.randomDirection(model.weight, opts.seed + 12);
    const alphas = wg.classic.linspace(-1, 1, 81);
    const line = await wg.classic.lossAlongLine(problem, d1, alphas);
    drawCurve(canvas('surface-1d'), alphas, line, 'a (W + a·D₁)', 'SVM loss + λ·ΣW²');
    const grid = wg.classic.linspace(-1, 1, 61);
    const plane = await wg.classic.lossOnPlane(problem, d1, d2, grid, grid);
    // row j of the plane holds b = grid[j]; the heat map's row 0 is the top, so flip to put b up
    const flipped = new Float32Array(plane.length);
    for (let j = 0; j < 61; j++) flipped.set(plane.subarray(j * 61, (j + 1) * 61), (60 - j) * 61);
    const heat = canvas('surface-2d');
    drawHeatMap(heat, flipped, 61, 61, { bands: 16 });
    drawPoints(heat, { x0: -1, x1: 1, y0: -1, y1: 1 }, Float32Array.from([0, 0]), Int32Array.from([3]));
    label(heat, 'W + a·D₁ + b·D₂, a across, b up, W at the centre');
    label(heat, `SVM loss + λ·ΣW²: ${Math.min(...plane).toFixed(2)} (dark) … ${Math.max(...plane).toFixed(2)} (light)`, 1);
    for (const t of [x, y, d1, d2]) t.dispose();
    const centre = line[40];
    return {
      pictures: {
        templates: `linear SVM templates (λ ${lambda}, ${opts.epochs} epochs on ${subset.source})`,
        'surface-1d': `SVM loss + λ·ΣW² (λ ${lambda}) along one random direction through the trained W (${n} images, a ∈ [−1, 1], ‖D‖ = ‖W‖)`,
        'surface-2d': `SVM loss + λ·ΣW² (λ ${lambda}) over a random plane through the trained W (${n} images, 61 × 61 points)`,
      },
      figures: {
        'linear SVM train accuracy': accuracy,
        'slice loss at W': centre,
        'slice loss min': Math.min(...line),
        'slice loss max': Math.max(...line),
        'plane loss min': Math.min(...plane),
        'plane loss max': Math.max(...plane),
      },
    };
  } finally {
    model.dispose();
  }
}

/** the optimizers' paths over the function's contour bands */
export async function racePanel(fn: wg.classic.RaceFunctionName, steps: number, progress: (s: string) => void): Promise<PanelSummary> {
  progress(`optimizer race on ${fn}…`);
  const r = await wg.classic.optimizerRace({ fn, steps, width: 160, height: 120 });
  const c = canvas('race');
  drawHeatMap(c, r.contour.values, r.contour.width, r.contour.height, { log: true, bands: 18 });
  drawPaths(c, r.contour.bounds, r.paths.map((p) => ({ label: `${p.label} (lr ${p.lr})`, path: p.path })), r.minimum);
  label(c, `${r.label}, ${steps} steps`);
  const figures: Record<string, number> = {};
  for (const p of r.paths) figures[`${p.label} final f`] = p.values[p.values.length - 1];
  return { pictures: { race: `${r.label}: ${r.paths.map((p) => p.label).join(', ')}, ${steps} steps from (${r.paths[0].path[0]}, ${r.paths[0].path[1]})` }, figures };
}
