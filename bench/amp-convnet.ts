// Mixed precision on the ConvNetJS CIFAR-10 net: the same steps (same init, same batches) in
// float32 and with wg.autocast + wg.amp.GradScaler, then test accuracy. Needs a WebGPU
// adapter with `shader-f16` for the float16 run (e.g. Mesa lavapipe under Deno):
//   VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json \
//     npx deno run -A --unstable-sloppy-imports bench/amp-convnet.ts --steps 200 [--batch 64] [--test 2000]
// Prints one JSON line per run (mode, steps, ms/step, mean loss of the last 50 steps, accuracy).
import * as wg from '../src/index.js';
import process from 'node:process';
import { loadCifar10 } from '../src/data/loaders.js';
import { parseFlags } from './harness/cli.js';

const { steps: STEPS, batch: BATCH, test: TEST, lr: LR } = parseFlags('bench/amp-convnet.ts', {
  steps: { kind: 'int', default: 200, describe: 'training steps per run' },
  batch: { kind: 'int', default: 64, describe: 'images per step' },
  test: { kind: 'int', default: 2000, describe: 'test images for the accuracy' },
  lr: { kind: 'number', default: 0.01, describe: 'SGD learning rate (momentum 0.9)' },
}, { intro: 'The ConvNetJS net in float32, then with autocast + GradScaler (needs shader-f16).', argv: process.argv.slice(2) });

function convnetjs(): wg.nn.Module {
  wg.manualSeed(1);
  const { Conv2d, MaxPool2d } = wg.nn;
  const conv = (i: number, o: number) => new Conv2d(i, o, 5, { padding: 2, activation: 'relu' });
  return new wg.nn.Sequential(conv(3, 16), new MaxPool2d(2), conv(16, 20), new MaxPool2d(2), conv(20, 20), new MaxPool2d(2),
    new wg.nn.Flatten(), new wg.nn.Linear(320, 10));
}

function batchOf(set: wg.data.ImageSet, idx: Int32Array | number[]): { x: wg.Tensor; y: wg.Tensor } {
  const per = set.channels * set.height * set.width;
  const x = new Float32Array(idx.length * per);
  const y = new Int32Array(idx.length);
  idx.forEach((j, b) => {
    for (let k = 0; k < per; k++) x[b * per + k] = set.images[j * per + k] / 255 - 0.5;
    y[b] = set.labels[j];
  });
  return { x: wg.tensor(x, [idx.length, set.channels, set.height, set.width]), y: wg.tensor(y, [idx.length], { dtype: 'int32' }) };
}

async function run(mode: 'float32' | 'amp', data: wg.data.ImageDataset): Promise<void> {
  const model = convnetjs();
  const opt = new wg.optim.SGD(model.parameters(), { lr: LR, momentum: 0.9 });
  const scaler = mode === 'amp' ? new wg.amp.GradScaler() : null;
  const order = new wg.Random(7).permutation(data.train.count);
  const losses: wg.Tensor[] = [];
  let started = 0;
  for (let s = 0; s < STEPS; s++) {
    if (s === 1) { await wg.flush(); started = performance.now(); }
    const idx = order.subarray((s * BATCH) % (data.train.count - BATCH), (s * BATCH) % (data.train.count - BATCH) + BATCH);
    const loss = wg.tidy(() => {
      const { x, y } = batchOf(data.train, idx);
      const forward = () => wg.functional.crossEntropy(model.forward(x), y);
      const l = mode === 'amp' ? wg.autocast(forward) : forward();
      opt.zeroGrad();
      if (scaler) {
        scaler.scale(l).backward();
        scaler.step(opt);
        scaler.update();
      } else {
        l.backward();
        opt.step();
      }
      return l.detach();
    });
    if (s >= STEPS - 50) losses.push(loss.keep()); else loss.dispose();
    if (s % 25 === 0) await wg.flush();
  }
  await wg.flush();
  const msPerStep = (performance.now() - started) / Math.max(1, STEPS - 1);
  let lossSum = 0;
  for (const l of losses) { lossSum += await l.item(); l.dispose(); }
  let correct = 0;
  for (let i = 0; i < TEST; i += 250) {
    const idx = Array.from({ length: Math.min(250, TEST - i) }, (_, k) => i + k);
    const pred = wg.noGrad(() => wg.tidy(() => {
      const { x } = batchOf(data.test, idx);
      const f = () => model.forward(x).argmax(1);
      return mode === 'amp' ? wg.autocast(f) : f();
    }));
    const p = await pred.data();
    pred.dispose();
    idx.forEach((j, k) => { if (p[k] === data.test.labels[j]) correct++; });
  }
  console.log(JSON.stringify({
    mode, adapter: wg.backend().adapterName, float16: wg.hasFloat16(), steps: STEPS, batch: BATCH, lr: LR,
    msPerStep: Math.round(msPerStep), lossLast50: +(lossSum / losses.length).toFixed(4), testImages: TEST,
    accuracy: +((100 * correct) / TEST).toFixed(2), scale: scaler ? await scaler.getScale() : null,
  }));
}

await wg.init();
const data = await loadCifar10({ dir: process.env.WEBGRAD_DATA ?? '/work/shared/datasets/cifar10', splits: ['train', 'test'] });
for (const mode of ['float32', 'amp'] as const) await run(mode, data);
