// The course's pictures as numbers: toy data, decision regions, the (x, y) → (r, θ) feature
// transform, loss-surface slices and the optimizer race, on every device. Sizes are tiny:
// the suite runs on a software adapter.
import { describe, expect, it } from 'vitest';
import {
  circles, convnetjsLambda, decisionRegions, featureTransform, gridPoints, lossAlongLine, lossAtOffsets, lossOnPlane, optimizerRace, polar,
  RACE_FUNCTIONS, randomDirection, spiral, type LinearProblem,
} from '../../src/classic/index.js';
import { randn, tensor } from '../../src/creation.js';
import * as F from '../../src/nn/functional.js';
import { noGrad, tidy } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, REDUCTION, useDevice } from '../helpers.js';

describe('toy data (host-generated, any device)', () => {
  useDevice('cpu');

  it('spiral: [N, 2] float32 points and [N] int32 labels, the same for a seed, radii in [0, 1]', async () => {
    const a = spiral({ classes: 3, pointsPerClass: 7, seed: 5 });
    expect(a.x.shape).toEqual([21, 2]);
    expect(a.x.dtype).toBe('float32');
    expect(a.y.shape).toEqual([21]);
    expect(a.y.dtype).toBe('int32');
    expect(Array.from(await a.y.data())).toEqual([...Array(21)].map((_, i) => Math.floor(i / 7)));
    expect(Array.from(await a.x.data())).toEqual(Array.from(spiral({ classes: 3, pointsPerClass: 7, seed: 5 }).points));
    expect(Array.from(spiral({ classes: 3, pointsPerClass: 7, seed: 6 }).points)).not.toEqual(Array.from(a.points));
    for (let i = 0; i < 21; i++) {
      // point k of an arm sits at radius k / 6 whatever the angle noise
      expect(Math.hypot(a.points[2 * i], a.points[2 * i + 1])).toBeCloseTo((i % 7) / 6, 5);
    }
  });

  it('circles: outer ring (class 0) near radius 1, inner ring (class 1) near the factor', () => {
    const c = circles({ pointsPerClass: 50, factor: 0.4, noise: 0.05, seed: 2 });
    expect(c.x.shape).toEqual([100, 2]);
    const r = polar(c.points);
    for (let i = 0; i < 100; i++) {
      expect(Math.abs(r[2 * i] - (c.labels[i] === 0 ? 1 : 0.4))).toBeLessThan(0.25);
      expect(Math.abs(r[2 * i + 1])).toBeLessThanOrEqual(Math.PI);
    }
    expect(c.labels.filter((l) => l === 1).length).toBe(50);
  });

  it('grid points: cell centres, row 0 at the top', () => {
    const g = gridPoints({ x0: 0, x1: 4, y0: 0, y1: 2 }, 4, 2);
    expect(Array.from(g)).toEqual([0.5, 1.5, 1.5, 1.5, 2.5, 1.5, 3.5, 1.5, 0.5, 0.5, 1.5, 0.5, 2.5, 0.5, 3.5, 0.5]);
  });

  it('polar: (x, y) → (r, atan2(y, x))', () => {
    expectClose(polar(Float32Array.from([3, 4, -1, 0, 0, -2])), [5, Math.atan2(4, 3), 1, Math.PI, 2, -Math.PI / 2], { rtol: 1e-6, atol: 1e-6 });
  });

  it('convnetjsLambda: l2_decay 0.1 with batches of 10 is λ = 0.005 on ΣW²', () => {
    expect(convnetjsLambda(0.1)).toBeCloseTo(0.005, 12);
  });
});

/** the objective at W + Σ c_i D_i, computed directly (the slice functions use an expansion) */
function direct(p: LinearProblem, dirs: Tensor[], c: number[]): Promise<number> {
  const v = noGrad(() => tidy(() => {
    const w = dirs.reduce((acc, d, i) => acc.add(d.mul(c[i])), p.weight);
    const s = F.linear(p.x, w, p.bias ?? null);
    const data = p.loss === 'svm' ? F.svmLoss(s, p.y) : F.crossEntropy(s, p.y);
    return data.add(F.l2Penalty([w], p.lambda ?? 0));
  }));
  return v.item();
}

describe.each(devices)('course pictures on %s', (device) => {
  useDevice(device);

  it('decision regions: a seed gives the identical grid and accuracy; another seed starts elsewhere', async () => {
    const data = spiral({ classes: 3, pointsPerClass: 10, seed: 1 });
    const opts = { hidden: 6, lambda: 1e-3, steps: 25, width: 12, height: 10, seed: 3 };
    const a = await decisionRegions(data, opts);
    const b = await decisionRegions(data, opts);
    expect(a.grid.length).toBe(120);
    expect(Array.from(b.grid)).toEqual(Array.from(a.grid));
    expect(b.trainAccuracy).toBe(a.trainAccuracy);
    expect(b.finalLoss).toBe(a.finalLoss);
    for (const id of a.grid) expect(id >= 0 && id < 3).toBe(true);
    expect(a.bounds.x0).toBeLessThan(Math.min(...data.points.filter((_, i) => i % 2 === 0)));
    const other = await decisionRegions(data, { ...opts, seed: 4 });
    expect(other.finalLoss).not.toBe(a.finalLoss);
  });

  it('decision regions: 20 hidden units fit a small two-arm spiral', async () => {
    const data = spiral({ classes: 2, pointsPerClass: 12, seed: 2 });
    const big = await decisionRegions(data, { hidden: 20, lambda: 1e-4, steps: 300, lr: 0.05, width: 4, height: 4, seed: 1 });
    expect(big.trainAccuracy).toBeGreaterThan(0.9);
    expect(big.finalLoss).toBeLessThan(0.4);
  });

  it('feature transform: a linear classifier on rings is near chance in (x, y), near perfect in (r, θ)', async () => {
    const data = circles({ pointsPerClass: 40, seed: 3 });
    const r = await featureTransform(data, { epochs: 80, batchSize: 40, width: 8, height: 8 });
    expect(r.xy.accuracy).toBeLessThan(0.75);
    expect(r.polar.accuracy).toBeGreaterThan(0.95);
    // the (r, θ) boundary drawn back in (x, y) is a ring: the centre cell is the inner class, the corners the outer
    const g = r.polarInXy.grid;
    expect(g[4 * 8 + 4]).toBe(1);
    expect([g[0], g[7], g[56], g[63]]).toEqual([0, 0, 0, 0]);
  });

  for (const loss of ['svm', 'softmax'] as const) {
    it(`${loss} loss slices: line and plane values equal the directly computed objective`, async () => {
      const problem: LinearProblem = {
        loss, x: randn([7, 5], { seed: 1 }), y: tensor(Int32Array.from([0, 1, 2, 0, 1, 2, 2]), [7], { dtype: 'int32' }),
        weight: randn([3, 5], { seed: 2 }).mul(0.3), bias: randn([3], { seed: 3 }), lambda: 0.05,
      };
      const d1 = await randomDirection(problem.weight, 4);
      const d2 = await randomDirection(problem.weight, 5);
      const wNorm = Math.sqrt(await problem.weight.square().sum().item());
      expect(Math.sqrt(await d1.square().sum().item())).toBeCloseTo(wNorm, 4);
      const alphas = [-1.5, 0, 0.25, 2];
      const line = await lossAlongLine(problem, d1, alphas);
      const wantLine = await Promise.all(alphas.map((a) => direct(problem, [d1], [a])));
      expectClose(line, wantLine, REDUCTION);
      const betas = [-1, 0.5, 3];
      const plane = await lossOnPlane(problem, d1, d2, alphas, betas);
      const wantPlane: number[] = [];
      for (const b of betas) for (const a of alphas) wantPlane.push(await direct(problem, [d1, d2], [a, b]));
      expectClose(plane, wantPlane, REDUCTION);
      // chunked evaluation (a few slice points per chunk) gives the same values
      const coeff = Float32Array.from(betas.flatMap((b) => alphas.flatMap((a) => [a, b])));
      expectClose(await lossAtOffsets(problem, [d1, d2], coeff, { chunkValues: 7 * 3 * 5 }), plane, REDUCTION);
      // the slice is not flat: moving along D1 changes the loss
      expect(plane[4 + 1]).not.toBeCloseTo(plane[4 + 3], 2);
    });
  }

  it('optimizer race: paths are deterministic, start at the start, and the first SGD step is −lr·∇f', async () => {
    const run = () => optimizerRace({ fn: 'rosenbrock', steps: 12, width: 6, height: 5 });
    const a = await run();
    const b = await run();
    expect(a.paths.map((p) => p.name)).toEqual(['sgd', 'momentum', 'rmsprop', 'adam']);
    for (const [i, p] of a.paths.entries()) {
      expect(p.path.length).toBe(26);
      expect(p.values.length).toBe(13);
      expect(Array.from(p.path)).toEqual(Array.from(b.paths[i].path));
      expect(Array.from(p.path.subarray(0, 2))).toEqual([-1.5, 2]);
    }
    // f = (1 − x)² + 10(y − x²)²: ∂f/∂x = −2(1 − x) − 40x(y − x²), ∂f/∂y = 20(y − x²)
    const [x, y] = [-1.5, 2];
    const grad = [-2 * (1 - x) - 40 * x * (y - x * x), 20 * (y - x * x)];
    const sgd = a.paths[0];
    expectClose(sgd.path.subarray(2, 4), [x - sgd.lr * grad[0], y - sgd.lr * grad[1]], { rtol: 1e-5, atol: 1e-6 });
    expect(sgd.values[0]).toBeCloseTo((1 - x) ** 2 + 10 * (y - x * x) ** 2, 4);
    // contour values: f at the grid's cell centres
    const g = gridPoints(a.contour.bounds, 6, 5);
    const want = Array.from({ length: 30 }, (_, k) => (1 - g[2 * k]) ** 2 + 10 * (g[2 * k + 1] - g[2 * k] ** 2) ** 2);
    expectClose(a.contour.values, want, REDUCTION);
  });

  it('optimizer race on the Rosenbrock valley: Adam and momentum end lower than plain SGD after 100 steps', async () => {
    const r = await optimizerRace({ fn: 'rosenbrock', steps: 100, racers: ['sgd', 'momentum', 'adam'], width: 2, height: 2 });
    const end = Object.fromEntries(r.paths.map((p) => [p.name, p.values[p.values.length - 1]]));
    expect(end.momentum).toBeLessThan(end.sgd / 10);
    expect(end.adam).toBeLessThan(end.sgd / 10);
    // and each one's last point is where its last value says
    const f = RACE_FUNCTIONS.rosenbrock;
    expect(f.minimum).toEqual([1, 1]);
    for (const p of r.paths) {
      const [x, y] = [p.path[p.path.length - 2], p.path[p.path.length - 1]];
      expect(p.values[p.values.length - 1]).toBeCloseTo((1 - x) ** 2 + 10 * (y - x * x) ** 2, 3);
    }
  });
});
