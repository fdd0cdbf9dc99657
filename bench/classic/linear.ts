// Linear SVM and softmax classifiers on raw CIFAR-10 pixels (the course's assignment 1 setup:
// mean-image subtraction, bias trick, 49,000 train / 1,000 validation, a small lr × λ sweep,
// SGD batches of 200), scored on the 10,000 test images. Targets: SVM ≥ 37%, softmax ≥ 38%.
// Run: node --import tsx bench/classic/linear.ts [--epochs N] (default 2)
import { cifar, classic, log, report, rows, setup, standardize } from './common.js';

const epochsArg = process.argv.find((a) => a.startsWith('--epochs'));
const epochs = epochsArg ? Number(epochsArg.split('=')[1] ?? process.argv[process.argv.indexOf(epochsArg) + 1]) : 2;
const adapter = await setup();
const { train: all, test } = await cifar();
const train = rows(all, 0, 49_000);
const val = rows(all, 49_000, 50_000);
standardize([train.x, val.x, test.x], 3072, { divideByStd: false });
const results: Record<string, unknown> = { adapter, train: train.count, val: val.count, test: test.count };
const summary: string[] = [];
for (const loss of ['svm', 'softmax'] as const) {
  log(`${loss}: sweeping lr × λ`);
  const sweep = await classic.LinearClassifier.sweep(
    { loss, inputSize: 3072, numClasses: 10, biasTrick: true, seed: 0 },
    train, val,
    {
      lrs: [5e-7], lambdas: [2.5e4], epochs, batchSize: 200, optimizer: 'sgd', lrDecay: 0.9,
      onTrial: (t) => log(`  lr ${t.lr} λ ${t.lambda}: train ${(100 * t.trainAccuracy).toFixed(2)}%, val ${(100 * t.valAccuracy).toFixed(2)}%`),
    },
  );
  const testAccuracy = await sweep.best.accuracy(test.x, test.y);
  log(`${loss}: best lr ${sweep.bestTrial.lr} λ ${sweep.bestTrial.lambda}, test accuracy ${(100 * testAccuracy).toFixed(2)}%`);
  results[loss] = { testAccuracy, best: sweep.bestTrial, trials: sweep.trials };
  summary.push(`${loss} ${(100 * testAccuracy).toFixed(2)}%`);
  sweep.best.dispose();
}
report('classic-linear', `test accuracy on ${test.count} images: ${summary.join(', ')}`, results);
