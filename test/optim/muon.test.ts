// Muon vs a float64 reference of KellerJordan/Muon's muon_update written here from its source
// (momentum EMA, Nesterov, Newton–Schulz quintic, shape scale, decoupled weight decay), on both
// devices: wide, tall and conv-shaped (4-D) parameters, and same-shape parameters that share
// one batched orthogonalisation.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { Muon, NS_COEFFICIENTS, zeropowerNewtonSchulz } from '../../src/optim/index.js';
import { getBackend } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, randomData, useDevice } from '../helpers.js';

type Mat = Float64Array; // row-major

function mm(a: Mat, b: Mat, m: number, k: number, n: number, transB = false): Mat {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[i * k + t] * (transB ? b[j * k + t] : b[t * n + j]);
      out[i * n + j] = s;
    }
  return out;
}

function transpose(a: Mat, rows: number, cols: number): Mat {
  const out = new Float64Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

/** the Newton–Schulz quintic in float64 on one [rows, cols] matrix */
function nsReference(g: ArrayLike<number>, rows: number, cols: number, steps: number): Mat {
  const [a, b, c] = NS_COEFFICIENTS;
  let norm = 0;
  for (let i = 0; i < g.length; i++) norm += g[i] * g[i];
  norm = Math.sqrt(norm) + 1e-7;
  let x = Float64Array.from(g, (v) => v / norm);
  const tall = rows > cols;
  let [r, k] = [rows, cols];
  if (tall) {
    x = transpose(x, rows, cols);
    [r, k] = [cols, rows];
  }
  for (let s = 0; s < steps; s++) {
    const A = mm(x, x, r, k, r, true);
    const AA = mm(A, A, r, r, r);
    const B = A.map((v, i) => b * v + c * AA[i]);
    const BX = mm(B, x, r, r, k);
    x = x.map((v, i) => a * v + BX[i]);
  }
  return tall ? transpose(x, r, k) : x;
}

interface RefOpts { lr: number; beta: number; nesterov: boolean; steps: number; wd: number; normalize: boolean }

/** muon_update + the parameter step, float64, for `grads.length` steps of one parameter */
function muonReference(p0: ArrayLike<number>, shape: number[], grads: ArrayLike<number>[], o: RefOpts): Mat {
  const rows = shape[0];
  const cols = p0.length / rows;
  let p = Float64Array.from(p0);
  const m = new Float64Array(p.length);
  for (const g of grads) {
    for (let i = 0; i < m.length; i++) m[i] = o.beta * m[i] + (1 - o.beta) * g[i];
    const u = o.nesterov ? Float64Array.from(g, (v, i) => (1 - o.beta) * v + o.beta * m[i]) : m;
    const x = nsReference(u, rows, cols, o.steps);
    if (o.normalize) {
      const n = Math.sqrt(p.reduce((s, v) => s + v * v, 0));
      p = p.map((v) => (v * Math.sqrt(rows)) / n);
    }
    const scale = o.lr * Math.sqrt(Math.max(1, rows / cols));
    p = p.map((v, i) => v * (1 - o.lr * o.wd) - scale * x[i]);
  }
  return p;
}

// float32 rounding of the normalised input grows by at most the quintic's slope at zero
// (3.4445) per step on the smallest singular directions: ~3.4⁵·6e-8 ≈ 3e-5
const NS_TOL = { rtol: 1e-3, atol: 2e-4 };

describe.each(devices)('Muon on %s', (device) => {
  useDevice(device);

  it.each([
    [[7, 33], 5],
    [[33, 7], 5],
    [[3, 16, 40], 5],
    [[2, 24, 10], 3],
  ])('zeropowerNewtonSchulz %j, %i steps matches float64', async (shape, steps) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = randomData(n);
    const got = await zeropowerNewtonSchulz(tensor(data, shape), steps).data();
    const [rows, cols] = shape.slice(-2);
    const per = rows * cols;
    const want = new Float64Array(n);
    for (let b = 0; b < n / per; b++) want.set(nsReference(data.subarray(b * per, (b + 1) * per), rows, cols, steps), b * per);
    expectClose(got, want, NS_TOL);
    // the output is near-orthogonal: singular values in the quintic's band, not 1/‖G‖ tiny
    const norm = Math.sqrt(Array.from(got).reduce((s, v) => s + v * v, 0) / (n / per));
    expect(norm).toBeGreaterThan(0.5 * Math.sqrt(Math.min(rows, cols)));
  });

  it.each([
    { name: 'defaults + weight decay', lr: 0.05, beta: 0.95, nesterov: true, steps: 5, wd: 0.1, normalize: false },
    { name: 'plain momentum', lr: 0.02, beta: 0.9, nesterov: false, steps: 5, wd: 0, normalize: false },
    { name: "airbench94_muon's variant", lr: 0.24, beta: 0.6, nesterov: true, steps: 3, wd: 0, normalize: true },
  ])('three steps ($name) match the float64 muon_update', async (o) => {
    // conv filter (rows < cols), a tall matrix (rows > cols: transposed, scaled by √(rows/cols)),
    // and two same-shape matrices orthogonalised in one batch
    const shapes = [[6, 3, 3, 3], [20, 6], [5, 12], [5, 12]];
    const init = shapes.map((s) => randomData(s.reduce((a, b) => a * b, 1)));
    const grads = shapes.map((s) => [0, 1, 2].map(() => randomData(s.reduce((a, b) => a * b, 1))));
    const params: Tensor[] = shapes.map((s, i) => tensor(init[i], s, { requiresGrad: true }));
    const opt = new Muon(params, { lr: o.lr, momentum: o.beta, nesterov: o.nesterov, nsSteps: o.steps, weightDecay: o.wd, normalizeWeights: o.normalize });
    for (let step = 0; step < 3; step++) {
      params.forEach((p, i) => { p.grad = tensor(grads[i][step], shapes[i]); });
      opt.step();
      opt.zeroGrad();
    }
    for (let i = 0; i < shapes.length; i++) {
      const want = muonReference(init[i], shapes[i], grads[i], o);
      expectClose(await params[i].data(), want, NS_TOL);
    }
    const sd = opt.stateDict();
    expect(sd.state[0].step).toBe(3);
    expect(sd.state[0].tensors.momentumBuffer.shape).toEqual([6, 3, 3, 3]);
    opt.dispose();
  });

  it('steps do not grow memory (state kept, its own temporaries freed without an outer tidy)', async () => {
    const params = [[4, 3, 3, 3], [4, 3, 3, 3], [9, 2]].map((s, i) => tensor(randomData(s.reduce((a, b) => a * b, 1), -1, 1, 40 + i), s, { requiresGrad: true }));
    const opt = new Muon(params, { weightDecay: 0.01 });
    const step = () => {
      params.forEach((p) => { p.grad = tensor(randomData(p.size), p.shape); });
      opt.step();
      opt.zeroGrad(); // disposes the gradients
    };
    step();
    await getBackend().flush();
    const live = getBackend().stats().liveBytes;
    for (let i = 0; i < 3; i++) step();
    await getBackend().flush();
    expect(getBackend().stats().liveBytes).toBe(live);
    opt.dispose();
  });

  it('rejects 1-D parameters and bad hyper-parameters with errors that name them', () => {
    const b = tensor(new Float32Array(4), [4], { requiresGrad: true });
    expect(() => new Muon([b])).toThrow(/fewer than 2 dimensions/);
    const w = tensor(new Float32Array(4), [2, 2], { requiresGrad: true });
    expect(() => new Muon([w], { momentum: 1 })).toThrow(/momentum/);
    expect(() => new Muon([w], { nsSteps: 0 })).toThrow(/nsSteps/);
  });
});
