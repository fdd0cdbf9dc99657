// A 200-step training run of a small MLP on Fashion-MNIST (Debian's dataset-fashion-mnist)
// reaches ≥ 80% test accuracy with each optimizer, on the WebGPU backend (SwiftShader here).
import { beforeAll, describe, expect, it } from 'vitest';
import * as wg from '../../src/node.js';
import type { ImageSet, LoaderBatch } from '../../src/data/index.js';
import { useDevice } from '../helpers.js';
import { setPoisonOutputs } from '../../src/runtime.js';

const FASHION_DIR = '/usr/share/datasets/fashion-mnist';
const STEPS = 200;
const NORMALIZE = { mean: [0.286], std: [0.353] };

async function* firstSteps(loader: wg.data.DataLoader, steps: number): AsyncGenerator<LoaderBatch> {
  let n = 0;
  while (n < steps) {
    for await (const batch of loader) {
      yield batch;
      if (++n === steps) return;
    }
  }
}

function mlp(seed: number): wg.nn.Sequential {
  return new wg.nn.Sequential(
    new wg.nn.Flatten(),
    new wg.nn.Linear(784, 100, { seed }),
    new wg.nn.ReLU(),
    new wg.nn.Linear(100, 10, { seed: seed + 1 }),
  );
}

const optimizers: [string, (p: wg.Tensor[]) => wg.optim.Optimizer][] = [
  ['SGD', (p) => new wg.optim.SGD(p, { lr: 0.1 })],
  ['SGD momentum 0.9 nesterov', (p) => new wg.optim.SGD(p, { lr: 0.02, momentum: 0.9, nesterov: true })],
  ['RMSprop', (p) => new wg.optim.RMSprop(p, { lr: 1e-3 })],
  ['Adam', (p) => new wg.optim.Adam(p, { lr: 2e-3 })],
  ['AdamW', (p) => new wg.optim.AdamW(p, { lr: 2e-3, weightDecay: 1e-2 })],
];

describe('Fashion-MNIST: a 200-step MLP run reaches ≥ 80% test accuracy (webgpu)', () => {
  useDevice('webgpu');
  let train: ImageSet;
  let test: ImageSet;
  beforeAll(async () => {
    const data = await wg.data.loadFashionMnist({ dir: FASHION_DIR });
    train = data.train;
    test = data.test;
    setPoisonOutputs(false); // a training run, not a conformance check: skip the NaN fills
  });

  for (const [name, makeOptimizer] of optimizers) {
    it(`${name}`, async () => {
      const model = mlp(11);
      const optimizer = makeOptimizer(model.parameters());
      const loader = new wg.data.DataLoader(train, { batchSize: 128, shuffle: true, seed: 3, normalize: NORMALIZE });
      await wg.train.fit(model, firstSteps(loader, STEPS), { optimizer, loss: (o, y) => wg.functional.crossEntropy(o, y) });
      model.eval();
      const testLoader = new wg.data.DataLoader(test, { batchSize: 1000, normalize: NORMALIZE });
      const { accuracy } = await wg.train.evaluate(model, testLoader, { numClasses: 10 });
      console.log(`Fashion-MNIST, ${STEPS} steps of batch 128, ${name}: test accuracy ${(accuracy * 100).toFixed(2)}%`);
      expect(accuracy).toBeGreaterThanOrEqual(0.8);
      model.dispose();
      optimizer.dispose();
    });
  }
});
