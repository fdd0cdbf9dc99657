// A two-layer MLP on cs231n's 3-arm spiral, in Node on WebGPU (Dawn) — or on the CPU
// backend where no adapter exists. Run from a project with webgrad and webgpu installed:
//   npx tsc && node build/node-mlp/mlp.js     (or: npx tsx node-mlp/mlp.ts)
import * as wg from 'webgrad/node';

const backend = await wg.initNode({ fallback: 'cpu' }); // WebGPU through Dawn; CPU if none
console.log(`backend: ${backend.name}`);

const data = wg.classic.spiral({ classes: 3, pointsPerClass: 100, seed: 1 });
const model = new wg.nn.Sequential(new wg.nn.Linear(2, 64), new wg.nn.ReLU(), new wg.nn.Linear(64, 3));
const opt = new wg.optim.Adam(model.parameters(), { lr: 2e-2 });

for (let step = 0; step < 100; step++) {
  // tidy frees every temporary tensor the step made; the returned loss survives it
  const loss = wg.tidy(() => {
    opt.zeroGrad();
    const loss = wg.nn.functional.crossEntropy(model.forward(data.x), data.y);
    loss.backward();
    opt.step();
    return loss;
  });
  if (step % 25 === 0 || step === 99) console.log(`step ${step}: loss ${(await loss.item()).toFixed(4)}`); // readback is async
  loss.dispose();
}

model.eval();
const predicted = wg.noGrad(() => model.forward(data.x).argmax(1));
const labels = await predicted.data(); // an Int32Array: argmax gives int32
predicted.dispose();
let correct = 0;
labels.forEach((label, i) => (correct += label === data.labels[i] ? 1 : 0));
const accuracy = correct / data.labels.length;
console.log(`training accuracy: ${(100 * accuracy).toFixed(1)}%`);
data.x.dispose();
data.y.dispose();
if (accuracy < 0.9) {
  console.error('the MLP did not learn the spiral (want >= 90%)');
  process.exit(1);
}
