// LinearClassifier and the course's losses on its 3-class toy example (cat / car / frog),
// training on separable blobs, templates and the lr × λ sweep, on both devices.
import { describe, expect, it } from 'vitest';
import { LinearClassifier } from '../../src/classic/index.js';
import { tensor } from '../../src/creation.js';
import { Random } from '../../src/random.js';
import { devices, expectClose, useDevice } from '../helpers.js';

// the course's score table: column i holds the scores of training image i (cat, car, frog)
const SCORES = [
  [3.2, 5.1, -1.7], // the cat image: cat, car, frog scores
  [1.3, 4.9, 2.0], // the car image
  [2.2, 2.5, -3.1], // the frog image
];
const LABELS = [0, 1, 2];

/** a classifier whose scores on the identity inputs are the toy table: W = scoresᵀ, b = 0 */
function toyClassifier(loss: 'svm' | 'softmax', lambda = 0): LinearClassifier {
  const model = new LinearClassifier({ loss, inputSize: 3, numClasses: 3, lambda });
  model.weight.assign(tensor(SCORES[0].map((_, c) => SCORES.map((row) => row[c]))).requireGrad());
  return model;
}

const identity = () => tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
const toyLabels = () => tensor(Int32Array.from(LABELS), [3], { dtype: 'int32' });

function blobs(n: number, seed: number): { x: Float32Array; y: Int32Array } {
  const rng = new Random(seed);
  const noise = rng.normal(n * 4, 0, 0.5);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === y[i] ? 2 : 0) + noise[i * 4 + j];
  }
  return { x, y };
}

describe.each(devices)('LinearClassifier on %s', (device) => {
  useDevice(device);

  it('multiclass SVM loss on the toy example: 2.9, 0, 12.9 → mean 5.27, and its gradient', async () => {
    const model = toyClassifier('svm');
    const loss = model.objective(identity(), toyLabels());
    expect(await loss.item()).toBeCloseTo((2.9 + 0 + 12.9) / 3, 5);
    loss.backward();
    // dL/ds: cat image +1 on car, −1 on cat; car image 0; frog image +1 on cat and car, −2 on frog; all / 3
    const dScores = [[-1, 1, 0], [0, 0, 0], [1, 1, -2]].map((r) => r.map((v) => v / 3));
    const dW = dScores[0].map((_, c) => dScores.map((row) => row[c]));
    expectClose(await model.weight.grad!.data(), dW.flat(), { rtol: 1e-5, atol: 1e-6 });
    // b's gradient sums dL/ds over the images
    expectClose(await model.bias!.grad!.data(), [0, 2 / 3, -2 / 3], { rtol: 1e-5, atol: 1e-6 });
  });

  it('softmax loss of the cat image is 2.04 (natural log), and the mean loss has gradient (p − y)/N', async () => {
    const model = toyClassifier('softmax');
    const loss = model.objective(identity(), toyLabels());
    const lse = (r: number[]) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    const perImage = SCORES.map((r, i) => lse(r) - r[LABELS[i]]);
    expect(perImage[0]).toBeCloseTo(2.04, 2);
    expect(await loss.item()).toBeCloseTo(perImage.reduce((a, b) => a + b, 0) / 3, 5);
    loss.backward();
    const dScores = SCORES.map((r, i) => r.map((v, c) => (Math.exp(v - lse(r)) - (c === LABELS[i] ? 1 : 0)) / 3));
    expectClose(await model.weight.grad!.data(), dScores[0].map((_, c) => dScores.map((row) => row[c])).flat(), { rtol: 1e-4, atol: 1e-6 });
  });

  it('λ adds λ·ΣW² to the objective', async () => {
    const sumSq = SCORES.flat().reduce((s, v) => s + v * v, 0);
    const plain = await toyClassifier('svm').objective(identity(), toyLabels()).item();
    const regularised = await toyClassifier('svm', 0.1).objective(identity(), toyLabels()).item();
    expect(regularised - plain).toBeCloseTo(0.1 * sumSq, 3);
  });

  for (const loss of ['svm', 'softmax'] as const) {
    it(`${loss}: fit separates blobs, deterministically for a seed (with and without the bias trick)`, async () => {
      const train = blobs(90, 1);
      const test = blobs(30, 2);
      const run = async (biasTrick: boolean) => {
        const model = new LinearClassifier({ loss, inputSize: 4, numClasses: 3, lambda: 1e-3, biasTrick, seed: 3 });
        const losses = await model.fit(train.x, train.y, { epochs: 8, batchSize: 16, lr: 0.1, optimizer: 'momentum', seed: 4 });
        return { losses, accuracy: await model.accuracy(test.x, test.y), weights: Array.from(await model.weight.data()) };
      };
      const a = await run(false);
      expect(a.losses[a.losses.length - 1]).toBeLessThan(a.losses[0]);
      expect(a.accuracy).toBeGreaterThan(0.9);
      expect((await run(false)).weights).toEqual(a.weights);
      expect((await run(true)).accuracy).toBeGreaterThan(0.9);
    });
  }

  it('templates: one [3, 4, 4] image per class, each rescaled to [0, 1]', async () => {
    const model = new LinearClassifier({ loss: 'svm', inputSize: 48, numClasses: 5, biasTrick: true, seed: 9 });
    const t = model.templates([3, 4, 4]);
    expect(t.shape).toEqual([5, 3, 4, 4]);
    const v = await t.data();
    for (let c = 0; c < 5; c++) {
      const row = Array.from(v.subarray(c * 48, (c + 1) * 48));
      expect(Math.min(...row)).toBeCloseTo(0, 6);
      expect(Math.max(...row)).toBeCloseTo(1, 6);
    }
  });

  it('sweep tries every lr × λ and keeps the model with the best validation accuracy', async () => {
    const train = blobs(60, 5);
    const val = blobs(30, 6);
    const result = await LinearClassifier.sweep({ loss: 'softmax', inputSize: 4, numClasses: 3, seed: 1 }, train, val,
      { lrs: [1e-6, 0.1], lambdas: [0, 1e-3], epochs: 3, batchSize: 20, optimizer: 'sgd' });
    expect(result.trials.length).toBe(4);
    const bestVal = Math.max(...result.trials.map((t) => t.valAccuracy));
    expect(result.bestTrial.valAccuracy).toBe(bestVal);
    expect(await result.best.accuracy(val.x, val.y)).toBe(bestVal);
  });

  it('fit frees its optimizer and gradients: a second fit holds no more memory than the first', async () => {
    const { getBackend } = await import('../../src/runtime.js');
    const be = getBackend();
    const train = blobs(60, 7);
    const model = new LinearClassifier({ loss: 'svm', inputSize: 4, numClasses: 3, seed: 2 });
    await model.fit(train.x, train.y, { epochs: 2, batchSize: 20, optimizer: 'adam', lr: 0.01 });
    await be.flush();
    const after1 = be.stats();
    await model.fit(train.x, train.y, { epochs: 2, batchSize: 20, optimizer: 'adam', lr: 0.01 });
    await be.flush();
    const after2 = be.stats();
    expect(after2.liveStorages).toBe(after1.liveStorages);
    expect(after2.liveBytes).toBe(after1.liveBytes);
    model.dispose();
  });
});
