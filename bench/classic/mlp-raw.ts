// A two-layer MLP (3072 → hidden → 10, ReLU, Adam) on raw CIFAR-10 pixels (standardised per
// pixel), scored on the 10,000 test images after every epoch. Target: ≥ 50%.
// Run: node --import tsx bench/classic/mlp-raw.ts [--epochs 8] [--hidden 200]
import { cifar, log, report, setup, standardize, trainMlp } from './common.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const epochs = Number(arg('epochs', '8'));
const hidden = Number(arg('hidden', '200'));
const adapter = await setup();
const { train, test } = await cifar();
standardize([train.x, test.x], 3072, { divideByStd: true });
log(`two-layer MLP 3072 → ${hidden} → 10 on ${train.count} raw images, ${epochs} epochs`);
const perEpoch = await trainMlp(train, test, 3072, { hidden, epochs, lr: 5e-4, weightDecay: 1e-4 });
const accuracy = perEpoch[perEpoch.length - 1];
report('classic-mlp-raw', `test accuracy on ${test.count} images after ${epochs} epochs: ${(100 * accuracy).toFixed(2)}%`, {
  adapter, hidden, epochs, testAccuracyPerEpoch: perEpoch, testAccuracy: accuracy,
});
