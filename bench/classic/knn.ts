// k-nearest neighbours on raw CIFAR-10 pixels (L2), k chosen by 5-fold cross-validation.
// A full run (50,000 × 10,000 × 3,072 ≈ 1.5 TFLOP of distances) is far too slow on a
// software adapter, so by default this uses the course notebook's subset: the first 5,000
// training and 500 test images (pass --train N --test M to change it). Target: ≥ 27%.
// Run: node --import tsx bench/classic/knn.ts [--train 5000] [--test 500] [--metric l2|l1]
import { cifar, classic, log, report, setup, wg } from './common.js';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const trainCount = Number(arg('train', '5000'));
const testCount = Number(arg('test', '500'));
const metric = arg('metric', 'l2') as classic.DistanceMetric;
const adapter = await setup();
const { train, test } = await cifar(trainCount, testCount);
log(`subset: ${trainCount} train × ${testCount} test images, metric ${metric}`);
const xTrain = wg.tensor(train.x, [trainCount, 3072]);
const yTrain = wg.tensor(train.y, [trainCount], { dtype: 'int32' });
const ks = [1, 3, 5, 8, 10, 12, 15, 20, 50, 100];
const cv = await classic.KNearestNeighbor.crossValidate(xTrain, yTrain, {
  folds: 5, ks, metric,
  onFold: (f, acc) => log(`  fold ${f + 1}/5: ${acc.map((a, i) => `k=${ks[i]} ${(100 * a).toFixed(1)}%`).join(', ')}`),
});
log(`cross-validation: best k = ${cv.bestK} (mean ${(100 * Math.max(...cv.meanAccuracy)).toFixed(2)}%)`);
const knn = new classic.KNearestNeighbor().train(xTrain, yTrain, { classes: 10 });
const predictions = await knn.predict(wg.tensor(test.x, [testCount, 3072]), { k: cv.bestK, metric });
const accuracy = classic.accuracyOf(await predictions.data(), test.y);
report('classic-knn', `k = ${cv.bestK} (by 5-fold CV), ${metric}, ${trainCount} train × ${testCount} test subset: test accuracy ${(100 * accuracy).toFixed(2)}%`, {
  adapter, subset: { train: trainCount, test: testCount }, metric, crossValidation: cv, bestK: cv.bestK, testAccuracy: accuracy,
});
