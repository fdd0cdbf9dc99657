// A PyTorch-trained model in webgrad: load it, check it, fine-tune it, hand it back.
// train_torch.py trained an MLP (Linear → BatchNorm1d → ReLU → Linear → ReLU → Linear) on the
// 3-arm spiral and saved its state_dict() as model.safetensors. Here the same architecture is
// built with wg.nn, the file is loaded strictly under PyTorch's names, webgrad's outputs on the
// probe inputs stored in the file are compared with PyTorch's, and the model is fine-tuned on a
// shifted task, the spiral turned by 1 radian: a rotation of the input plane, so only the input
// layer learns and the rest stays frozen. The result is saved under the same names, so PyTorch
// loads it with load_state_dict(strict=True) (`python3 train_torch.py --check <file>`).
// In Node on WebGPU (Dawn), or on the CPU backend where no adapter exists:
//   npx tsx pytorch-finetune/finetune.ts [model.safetensors] [finetuned.safetensors]
//   npx tsc && node build/pytorch-finetune/finetune.js pytorch-finetune/model.safetensors out.safetensors
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as wg from 'webgrad/node';

const here = dirname(fileURLToPath(import.meta.url));
const [modelPath = join(here, 'model.safetensors'), outPath = join(here, 'finetuned.safetensors')] = process.argv.slice(2);
const ROTATION = 1.0; // radians, as train_torch.py's ROTATION

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const backend = await wg.initNode({ fallback: 'cpu' }); // WebGPU through Dawn; CPU if none
console.log(`backend: ${backend.name}`);

// the same layers as train_torch.py's nn.Sequential, so the state-dict keys match: 0.weight,
// 1.running_mean, 1.num_batches_tracked, 3.bias, ...
const model = new wg.nn.Sequential(
  new wg.nn.Linear(2, 32), new wg.nn.BatchNorm1d(32), new wg.nn.ReLU(),
  new wg.nn.Linear(32, 32), new wg.nn.ReLU(), new wg.nn.Linear(32, 3),
);

// ---- load strictly: a missing, extra or misshapen key throws and leaves the model as it was
const file = new Uint8Array(await readFile(modelPath));
wg.io.loadStateDict(model, file);
const meta = wg.io.parseSafetensors(file).metadata;
console.log(`loaded ${modelPath}: made by \`${meta.command}\` (torch ${meta.torch}, seed ${meta.seed}), test accuracy ${meta.testAccuracy}% on the spiral`);

// ---- webgrad computes what PyTorch computed (eval mode: batch norm uses the running statistics)
const probes = JSON.parse(meta.probeInputs ?? fail('the file has no probeInputs metadata')) as number[][];
const expected = (JSON.parse(meta.probeOutputs ?? fail('the file has no probeOutputs metadata')) as number[][]).flat();
model.eval();
const probeOut = wg.noGrad(() => model.forward(wg.tensor(probes)));
const got = await probeOut.data();
probeOut.dispose();
let worst = 0;
const close = expected.every((want, i) => {
  const diff = Math.abs((got[i] ?? NaN) - want);
  worst = Math.max(worst, diff);
  return diff <= 1e-5 + 1e-4 * Math.abs(want); // allclose(atol 1e-5, rtol 1e-4)
});
if (!close || got.length !== expected.length) fail(`webgrad's outputs on the probes differ from PyTorch's (max |diff| ${worst})`);
console.log(`webgrad's outputs on ${probes.length} probe inputs equal PyTorch's (max |diff| ${worst.toExponential(1)})`);

// ---- the shifted task: the spiral turned by ROTATION (points (r sin t, r cos t) → t + ROTATION)
function rotatedSpiral(seed: number): wg.classic.ToyData {
  const { points, labels, x, y } = wg.classic.spiral({ classes: 3, pointsPerClass: 200, seed });
  x.dispose();
  y.dispose();
  const [c, s] = [Math.cos(ROTATION), Math.sin(ROTATION)];
  const turned = new Float32Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    const [px = 0, py = 0] = [points[i], points[i + 1]];
    turned[i] = px * c + py * s;
    turned[i + 1] = py * c - px * s;
  }
  return wg.classic.toyData(turned, labels, 3);
}
const train = rotatedSpiral(1);
const test = rotatedSpiral(2);

async function accuracy(data: wg.classic.ToyData): Promise<number> {
  model.eval();
  const predicted = wg.noGrad(() => model.forward(data.x).argmax(1));
  const labels = await predicted.data();
  predicted.dispose();
  let correct = 0;
  labels.forEach((label, i) => (correct += label === data.labels[i] ? 1 : 0));
  return correct / data.labels.length;
}

const before = await accuracy(test);
console.log(`test accuracy on the turned spiral before fine-tuning: ${(100 * before).toFixed(1)}%`);

// ---- fine-tune the input layer only: freeze everything (as requires_grad_(False)), unfreeze layer 0
for (const p of model.parameters()) p.requireGrad(false);
const input = model.at(0);
for (const p of input.parameters()) p.requireGrad(true);
const opt = new wg.optim.Adam(input.parameters(), { lr: 1e-2 });
model.train(); // batch norm normalises with batch statistics and updates its running ones, as in PyTorch
const steps = 100;
for (let step = 0; step < steps; step++) {
  const loss = wg.tidy(() => {
    opt.zeroGrad();
    const loss = wg.nn.functional.crossEntropy(model.forward(train.x), train.y);
    loss.backward();
    opt.step();
    return loss;
  });
  if (step % 50 === 0 || step === steps - 1) console.log(`step ${step}: loss ${(await loss.item()).toFixed(4)}`);
  loss.dispose();
}
const after = await accuracy(test);
console.log(`test accuracy on the turned spiral after fine-tuning: ${(100 * after).toFixed(1)}%`);

// ---- save under PyTorch's names (int32 num_batches_tracked written as I64, as torch's long)
const bytes = await wg.io.saveStateDict(model, {
  finetunedFrom: modelPath,
  task: `3-arm spiral turned by ${ROTATION} rad; input layer fine-tuned, the rest frozen`,
  testAccuracyBefore: (100 * before).toFixed(1),
  testAccuracy: (100 * after).toFixed(1),
});
await wg.writeFileAtomic(outPath, bytes);
console.log(`wrote ${outPath} (PyTorch: model.load_state_dict(load_file(path), strict=True))`);

for (const t of [train.x, train.y, test.x, test.y]) t.dispose();
model.dispose();
opt.dispose();
if (after <= before || after < 0.9) fail(`fine-tuning did not work: ${(100 * before).toFixed(1)}% before, ${(100 * after).toFixed(1)}% after (want a gain and >= 90%)`);
