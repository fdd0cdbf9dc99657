// The training worker: a conv → ReLU → max-pool → linear net on generated stripe images.
// Workers have navigator.gpu too, so training here keeps the page's main thread free.
import * as wg from 'webgrad';
import type { WorkerMessage } from './protocol.js';

const post = (msg: WorkerMessage): void => (self as unknown as { postMessage(m: WorkerMessage): void }).postMessage(msg);

const SIZE = 16;
const CLASSES = 3; // horizontal, vertical, diagonal stripes

/** `count` noisy images [count, 1, 16, 16] of stripes with a random period and phase, and their labels. */
function stripes(count: number, seed: number): { x: wg.Tensor; y: wg.Tensor; labels: Int32Array } {
  const random = new wg.Random(seed);
  const pixels = new Float32Array(count * SIZE * SIZE);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % CLASSES;
    const period = 2 + Math.floor(random.next() * 3);
    const phase = Math.floor(random.next() * period);
    labels[i] = label;
    for (let r = 0; r < SIZE; r++) {
      for (let c = 0; c < SIZE; c++) {
        const t = label === 0 ? r : label === 1 ? c : r + c;
        const on = (t + phase) % period === 0 ? 1 : 0;
        pixels[i * SIZE * SIZE + r * SIZE + c] = on + 0.3 * (random.next() - 0.5);
      }
    }
  }
  return { x: wg.tensor(pixels, [count, 1, SIZE, SIZE]), y: wg.tensor(labels, [count], { dtype: 'int32' }), labels };
}

async function main(): Promise<void> {
  const backend = await wg.init({ fallback: 'cpu' }); // WebGPU from the worker's navigator.gpu
  post({ type: 'log', text: `backend: ${backend.name}` });
  const start = performance.now();
  const model = new wg.nn.Sequential(
    new wg.nn.Conv2d(1, 8, 3, { padding: 1 }), new wg.nn.ReLU(), new wg.nn.MaxPool2d(2),
    new wg.nn.Flatten(), new wg.nn.Linear(8 * 8 * 8, CLASSES));
  const opt = new wg.optim.Adam(model.parameters(), { lr: 3e-3 });
  const train = stripes(96, 1);
  const test = stripes(60, 2);
  for (let step = 0; step < 40; step++) {
    const loss = wg.tidy(() => {
      opt.zeroGrad();
      const loss = wg.nn.functional.crossEntropy(model.forward(train.x), train.y);
      loss.backward();
      opt.step();
      return loss;
    });
    if (step % 10 === 0) post({ type: 'log', text: `step ${step}: loss ${(await loss.item()).toFixed(4)}` });
    loss.dispose();
  }
  model.eval();
  const predicted = wg.noGrad(() => model.forward(test.x).argmax(1));
  const got = await predicted.data();
  let correct = 0;
  got.forEach((label, i) => (correct += label === test.labels[i] ? 1 : 0));
  for (const t of [predicted, train.x, train.y, test.x, test.y]) t.dispose();
  post({ type: 'done', backend: backend.name, accuracy: correct / test.labels.length, seconds: (performance.now() - start) / 1000 });
}

main().catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
