// The airbench model and recipe's pieces: the whitening PCA, the alternating flips, the FLOP
// count. Its training against PyTorch is test/demo/parity.test.ts.
import { describe, expect, it } from 'vitest';
import { AIRBENCH94_WIDTHS, AirbenchNet, airbenchForwardFlops, symmetricEigen, whiteningFilters } from '../../demo/src/airbench-net.js';
import { AirbenchLoader } from '../../demo/src/airbench-recipe.js';
import { syntheticCifar } from '../../demo/src/data.js';
import { Random } from '../../src/random.js';
import { useDevice } from '../helpers.js';

describe('airbench pieces', () => {
  useDevice('cpu');

  it('symmetricEigen: A·v = λ·v, values ascending, vectors orthonormal', () => {
    const d = 6;
    const r = new Random(3).uniform(d * d, -1, 1);
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = r[i * d + j] + r[j * d + i];
    const { values, vectors } = symmetricEigen(a, d);
    for (let k = 0; k < d; k++) {
      if (k > 0) expect(values[k]).toBeGreaterThanOrEqual(values[k - 1]);
      for (let i = 0; i < d; i++) {
        let av = 0;
        for (let j = 0; j < d; j++) av += a[i * d + j] * vectors[j * d + k];
        expect(av).toBeCloseTo(values[k] * vectors[i * d + k], 9);
      }
      for (let l = 0; l < d; l++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += vectors[i * d + k] * vectors[i * d + l];
        expect(dot).toBeCloseTo(k === l ? 1 : 0, 9);
      }
    }
  });

  it('whitening filters decorrelate 2×2 patches: W·C·Wᵀ = diag(λ / (λ + eps)) for the first 12, the rest negated', () => {
    const [n, h, w] = [3, 6, 5];
    const rng = new Random(4);
    // correlated channels so the covariance is far from the identity
    const base = rng.uniform(n * h * w, -1, 1);
    const images = new Float32Array(n * 3 * h * w);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) for (let p = 0; p < h * w; p++) images[(i * 3 + c) * h * w + p] = base[i * h * w + p] * (c + 1) + 0.1 * rng.next();
    const eps = 5e-4;
    const filters = whiteningFilters(images, n, h, w, eps);
    const d = 12;
    const patches: number[][] = [];
    for (let i = 0; i < n; i++)
      for (let y = 0; y < h - 1; y++)
        for (let x = 0; x < w - 1; x++) {
          const v: number[] = [];
          for (let c = 0; c < 3; c++) for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) v.push(images[(i * 3 + c) * h * w + (y + dy) * w + x + dx]);
          patches.push(v);
        }
    const proj = (k: number, v: number[]) => v.reduce((s, vi, i) => s + vi * filters[k * d + i], 0);
    for (let k = 0; k < d; k++) {
      const varK = patches.reduce((s, v) => s + proj(k, v) ** 2, 0) / patches.length;
      expect(varK).toBeLessThan(1 + 1e-6); // λ/(λ + eps) ≤ 1
      for (let l = k + 1; l < d; l++) expect(Math.abs(patches.reduce((s, v) => s + proj(k, v) * proj(l, v), 0) / patches.length)).toBeLessThan(1e-6);
      for (let i = 0; i < d; i++) expect(filters[(k + d) * d + i]).toBe(-filters[k * d + i]);
    }
  });

  it('flips alternate by epoch: each image keeps its drawn flip on even epochs and the opposite on odd ones', () => {
    const set = syntheticCifar(32, 0, 7).train;
    const loader = new AirbenchLoader(set, 8, 1);
    const flipOf = () => {
      const m = new Map<number, number>();
      for (const d of loader.nextEpochDecisions()) d.indices.forEach((idx, i) => m.set(idx, d.params[3 * i + 2]));
      return m;
    };
    const [e0, e1, e2] = [flipOf(), flipOf(), flipOf()];
    for (const [idx, f] of e0) {
      expect(e1.get(idx)).toBe(1 - f);
      expect(e2.get(idx)).toBe(f);
    }
    expect(new Set(e0.values()).size).toBe(2);
  });

  it('FLOPs: airbench94 is ≈ 0.24 GFLOP forward per image; the widths shape the net', () => {
    expect(airbenchForwardFlops(AIRBENCH94_WIDTHS) / 1e6).toBeCloseTo(236.4, 0);
    const net = new AirbenchNet({ block1: 8, block2: 16, block3: 16 }, 1);
    expect(net.parameterGroups().filters.map((t) => t.shape)).toEqual([[8, 24, 3, 3], [8, 8, 3, 3], [16, 8, 3, 3], [16, 16, 3, 3], [16, 16, 3, 3], [16, 16, 3, 3]]);
    net.dispose();
  });
});
