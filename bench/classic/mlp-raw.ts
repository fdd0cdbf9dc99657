// A two-layer MLP (3072 → hidden → 10, ReLU, Adam) on raw CIFAR-10 pixels standardised per
// pixel with the training split's statistics. Trained on 49,000 images with the validation
// accuracy on the other 1,000 printed after every epoch; the settings are fixed before the
// run (nothing is chosen on the test set), and the final model is scored once on the 10,000
// test images. Target: ≥ 50%.
// Run: node --import tsx bench/classic/mlp-raw.ts [--epochs 4] [--hidden 200] [--lr 5e-4] [--lr-decay 0.7]
import { parseFlags } from '../harness/cli.js';
import { renderTable } from '../harness/table.js';
import { cifar, log, mlpAccuracy, report, rows, setup, standardize, trainMlp } from './common.js';

const flags = parseFlags('node --import tsx bench/classic/mlp-raw.ts', {
  epochs: { kind: 'int', default: 4, describe: 'training epochs' },
  hidden: { kind: 'int', default: 200, describe: 'hidden units' },
  lr: { kind: 'number', default: 5e-4, describe: 'Adam learning rate' },
  'lr-decay': { kind: 'number', default: 0.7, describe: 'learning-rate factor after each epoch' },
});
const { epochs, hidden, lr } = flags;
const lrDecay = flags['lr-decay'];
const weightDecay = 1e-4;
const adapter = await setup();
const { train: all, test } = await cifar();
const train = rows(all, 0, 49_000);
const val = rows(all, 49_000, 50_000);
standardize([train.x, val.x, test.x], 3072, { divideByStd: true });
log(`two-layer MLP 3072 → ${hidden} → 10 on ${train.count} raw images (${val.count} held out for validation), ${epochs} epochs, Adam lr ${lr} × ${lrDecay} per epoch, weight decay ${weightDecay}`);
const { model, valAccuracyPerEpoch, trainSeconds } = await trainMlp(train, val, 3072, { hidden, epochs, lr, lrDecay, weightDecay });
const accuracy = await mlpAccuracy(model, test, 3072);
model.dispose();
console.log(renderTable(['model', 'epochs', 'lr', 'lr decay', 'val (1000)', `test (${test.count})`, 'train s'], [
  [`MLP 3072-${hidden}-10`, String(epochs), String(lr), String(lrDecay), `${(100 * valAccuracyPerEpoch[epochs - 1]).toFixed(2)}%`, `${(100 * accuracy).toFixed(2)}%`, trainSeconds.toFixed(0)],
], 1));
report('classic-mlp-raw', `test accuracy on ${test.count} images after ${epochs} epochs: ${(100 * accuracy).toFixed(2)}%`, {
  adapter, hidden, epochs, lr, lrDecay, weightDecay, train: train.count, val: val.count, valAccuracyPerEpoch, trainSeconds, testAccuracy: accuracy,
});
