// KNearestNeighbor: distances, votes with ties, test-set tiling, cross-validation, on both devices.
import { describe, expect, it } from 'vitest';
import { KNearestNeighbor, l2Distances } from '../../src/classic/index.js';
import { tensor } from '../../src/creation.js';
import { Random } from '../../src/random.js';
import { getBackend } from '../../src/runtime.js';
import { devices, expectClose, useDevice } from '../helpers.js';

const labels = (v: number[]) => tensor(Int32Array.from(v), [v.length], { dtype: 'int32' });

/** n points per class around well-separated centres in D dimensions */
function blobs(perClass: number, classes: number, d: number, seed: number): { x: Float32Array; y: number[] } {
  const noise = new Random(seed).normal(perClass * classes * d, 0, 0.3);
  const x = new Float32Array(perClass * classes * d);
  const y: number[] = [];
  for (let i = 0; i < perClass * classes; i++) {
    const c = i % classes;
    y.push(c);
    for (let j = 0; j < d; j++) x[i * d + j] = (j % classes === c ? 3 : 0) + noise[i * d + j];
  }
  return { x, y };
}

describe.each(devices)('KNearestNeighbor on %s', (device) => {
  useDevice(device);

  it('distances: L2 and L1 against hand-computed values', async () => {
    const knn = new KNearestNeighbor().train(tensor([[0, 0], [3, 4], [1, 1]]), labels([0, 1, 2]));
    const q = tensor([[0, 0], [3, 0]]);
    expectClose(await knn.distances(q, { metric: 'l2' }).data(), [0, 5, Math.SQRT2, 3, 4, Math.sqrt(5)], { rtol: 1e-5, atol: 1e-5 });
    expectClose(await knn.distances(q, { metric: 'l1' }).data(), [0, 7, 2, 3, 4, 3]);
  });

  it('L2 is clamped at 0 for identical rows (no NaN from cancellation)', async () => {
    const x = tensor(new Random(5).uniform(3 * 64, 100, 200), [3, 64]);
    const d = await l2Distances(x, x).data();
    for (let i = 0; i < 3; i++) expect(Number.isNaN(d[i * 3 + i])).toBe(false);
  });

  it('k = 1 returns the nearest label; a tie in votes goes to the smaller label', async () => {
    // query at 0: neighbours at distance 1 (label 3), 2 (label 1), 3 (label 1), 4 (label 3)
    const knn = new KNearestNeighbor().train(tensor([[1], [-2], [3], [-4]]), labels([3, 1, 1, 3]));
    const q = tensor([[0]]);
    expect(Array.from(await (await knn.predict(q, { k: 1 })).data())).toEqual([3]);
    expect(Array.from(await (await knn.predict(q, { k: 2 })).data())).toEqual([1]); // 1 vote each → 1
    expect(Array.from(await (await knn.predict(q, { k: 3 })).data())).toEqual([1]);
    expect(Array.from(await (await knn.predict(q, { k: 4 })).data())).toEqual([1]); // 2–2 → 1
  });

  it('equal distances are broken by the training index (the earlier row wins)', async () => {
    const knn = new KNearestNeighbor().train(tensor([[1], [-1], [2]]), labels([4, 2, 0]));
    expect(Array.from(await (await knn.predict(tensor([[0]]), { k: 1 })).data())).toEqual([4]);
  });

  it('tiling the test set (odd tile sizes) gives the same predictions as one tile', async () => {
    const train = blobs(13, 3, 7, 11);
    const test = blobs(11, 3, 7, 12);
    const knn = new KNearestNeighbor().train(tensor(train.x, [39, 7]), labels(train.y));
    const xTest = tensor(test.x, [33, 7]);
    for (const metric of ['l2', 'l1'] as const) {
      const whole = Array.from(await (await knn.predict(xTest, { k: 5, metric })).data());
      const tiled = Array.from(await (await knn.predict(xTest, { k: 5, metric, tileRows: 4 })).data());
      expect(tiled).toEqual(whole);
      const correct = whole.filter((p, i) => p === test.y[i]).length;
      expect(correct / 33).toBeGreaterThan(0.9);
    }
  });

  it('predict frees every intermediate (distance tiles, neighbour lists): only its result stays live', async () => {
    const train = blobs(13, 3, 7, 31);
    const knn = new KNearestNeighbor().train(tensor(train.x, [39, 7]), labels(train.y));
    const xTest = tensor(train.x.slice(0, 70), [10, 7]);
    await (await knn.predict(xTest, { k: 3, tileRows: 3 })).data(); // class count inferred and cached
    const before = getBackend().stats().liveStorages;
    const votes = await knn.predict(xTest, { k: 3, tileRows: 3 });
    expect(getBackend().stats().liveStorages).toBe(before + 1);
    votes.dispose();
  });

  it('crossValidate returns an accuracy per k and fold, and picks a good k', async () => {
    const data = blobs(10, 3, 5, 21);
    const cv = await KNearestNeighbor.crossValidate(tensor(data.x, [30, 5]), labels(data.y), { folds: 5, ks: [1, 3, 5] });
    expect(cv.foldAccuracies.length).toBe(5);
    expect(cv.foldAccuracies.every((f) => f.length === 3)).toBe(true);
    expect(cv.meanAccuracy.length).toBe(3);
    expect(Math.max(...cv.meanAccuracy)).toBeGreaterThan(0.9);
    expect([1, 3, 5]).toContain(cv.bestK);
  });

  it('predict before train, or k larger than the training set, is a clear error', async () => {
    await expect(new KNearestNeighbor().predict(tensor([[0]]))).rejects.toThrow(/train\(x, y\) first/);
    const knn = new KNearestNeighbor().train(tensor([[1], [2]]), labels([0, 1]));
    await expect(knn.predict(tensor([[0]]), { k: 3 })).rejects.toThrow(/k = 3/);
  });
});
