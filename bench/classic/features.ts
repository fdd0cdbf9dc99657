// Image features (HoG 8×8 cells × 9 bins + 10-bin hue histogram, computed by the GPU kernels)
// → a linear SVM (lr × λ sweep on a validation split) and a two-layer MLP, as the course's
// features notebook. Scored on the 10,000 CIFAR-10 test images. Targets: SVM ≥ 44%, MLP ≥ 55%.
// Run: node --import tsx bench/classic/features.ts [--epochs N]
import { parseFlags } from '../harness/cli.js';
import { cifar, classic, features, log, mlpAccuracy, report, setup, standardize, trainMlp } from './common.js';

const flags = parseFlags('node --import tsx bench/classic/features.ts', { epochs: { kind: 'int', default: 6, describe: 'MLP training epochs' } });
const mlpEpochs = flags.epochs;
const adapter = await setup();
const { train: all, test } = await cifar();
const t0 = Date.now();
const allF = await features(all);
const testF = await features(test);
log(`features: ${allF.columns} per image for ${all.count + test.count} images in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
const columns = allF.columns;
standardize([allF.x, testF.x], columns, { divideByStd: true });
const train = { x: allF.x.subarray(0, 49_000 * columns), y: all.y.subarray(0, 49_000) };
const val = { x: allF.x.subarray(49_000 * columns), y: all.y.subarray(49_000) };
const testSet = { x: testF.x, y: test.y };

log('linear SVM on features: sweeping lr × λ');
const sweep = await classic.LinearClassifier.sweep(
  { loss: 'svm', inputSize: columns, numClasses: 10, biasTrick: true, seed: 0 },
  train, val,
  {
    lrs: [3e-3, 1e-2], lambdas: [1e-3, 1e-2], epochs: 8, batchSize: 200, optimizer: 'momentum', lrDecay: 0.8,
    onTrial: (t) => log(`  lr ${t.lr} λ ${t.lambda}: train ${(100 * t.trainAccuracy).toFixed(2)}%, val ${(100 * t.valAccuracy).toFixed(2)}%`),
  },
);
const svmAccuracy = await sweep.best.accuracy(testSet.x, testSet.y);
log(`SVM on features: test accuracy ${(100 * svmAccuracy).toFixed(2)}%`);
sweep.best.dispose();

log(`two-layer MLP (hidden 500) on features, ${mlpEpochs} epochs (validation accuracy per epoch)`);
const mlp = await trainMlp(train, val, columns, { hidden: 500, epochs: mlpEpochs, lr: 1e-3, weightDecay: 1e-4 });
const mlpTestAccuracy = await mlpAccuracy(mlp.model, testSet, columns);
mlp.model.dispose();
report('classic-features', `test accuracy on ${test.count} images: SVM on HoG+hue ${(100 * svmAccuracy).toFixed(2)}%, MLP on HoG+hue ${(100 * mlpTestAccuracy).toFixed(2)}%`, {
  adapter, columns, svm: { testAccuracy: svmAccuracy, best: sweep.bestTrial, trials: sweep.trials }, mlp: { valAccuracyPerEpoch: mlp.valAccuracyPerEpoch, testAccuracy: mlpTestAccuracy },
});
