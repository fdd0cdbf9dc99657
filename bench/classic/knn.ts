// k-nearest neighbours on raw CIFAR-10 pixels. k is chosen by 5-fold cross-validation on the
// first --cv-train training images (the course notebook's 5,000); then all --train training
// images (default all 50,000) are memorised and the first --test test images are classified
// with that k. The distance matrix is tiled (test rows per tile, training set in chunks under
// the 128 MiB binding limit), so the full 50,000-image training set fits. The full 10,000-image
// test set is 50,000 × 10,000 × 3,072 × 2 ≈ 3 TFLOP: 2,918 s on SwiftShader in Node (1.05
// GFLOP/s, --test 10000 --chunk 250), so the default is a 1,000-image subset. Target: ≥ 27%.
// Run: node --import tsx bench/classic/knn.ts [--cv-train 5000] [--train 50000] [--test 1000] [--chunk 250] [--metric l2|l1]
import { parseFlags } from '../harness/cli.js';
import { renderTable } from '../harness/table.js';
import { cifar, classic, log, report, rows, setup, wg } from './common.js';

const flags = parseFlags('node --import tsx bench/classic/knn.ts', {
  'cv-train': { kind: 'int', default: 5000, describe: 'training images for the 5-fold cross-validation of k' },
  train: { kind: 'int', default: 50000, describe: 'training images memorised' },
  test: { kind: 'int', default: 1000, describe: 'test images classified' },
  chunk: { kind: 'int', default: 250, describe: 'test rows per distance tile' },
  metric: { kind: 'string', choices: ['l2', 'l1'], default: 'l2', describe: 'distance' },
});
const cvCount = flags['cv-train'];
const trainCount = flags.train;
const testCount = flags.test;
const metric = flags.metric as classic.DistanceMetric;
const adapter = await setup();
const { train, test } = await cifar(Math.max(trainCount, cvCount), testCount);
const cvSet = rows(train, 0, cvCount, 3072);
log(`cross-validation on the first ${cvCount} training images, then ${trainCount} train × ${testCount} test images, metric ${metric}`);
let t = Date.now();
const xCv = wg.tensor(cvSet.x, [cvCount, 3072]);
const yCv = wg.tensor(cvSet.y, [cvCount], { dtype: 'int32' });
const ks = [1, 3, 5, 8, 10, 12, 15, 20, 50, 100];
const cv = await classic.KNearestNeighbor.crossValidate(xCv, yCv, {
  folds: 5, ks, metric,
  onFold: (f, acc) => log(`  fold ${f + 1}/5: ${acc.map((a, i) => `k=${ks[i]} ${(100 * a).toFixed(1)}%`).join(', ')}`),
});
xCv.dispose();
yCv.dispose();
const cvSeconds = (Date.now() - t) / 1000;
log(`cross-validation: best k = ${cv.bestK} (mean ${(100 * Math.max(...cv.meanAccuracy)).toFixed(2)}%) in ${cvSeconds.toFixed(0)} s`);
console.log(renderTable(['k', ...ks.map(String)], [['mean CV accuracy', ...cv.meanAccuracy.map((a) => `${(100 * a).toFixed(1)}%`)]], 1));

t = Date.now();
const xTrain = wg.tensor(train.x.subarray(0, trainCount * 3072), [trainCount, 3072]);
const yTrain = wg.tensor(train.y.subarray(0, trainCount), [trainCount], { dtype: 'int32' });
const knn = new classic.KNearestNeighbor().train(xTrain, yTrain, { classes: 10 });
xTrain.dispose();
yTrain.dispose();
// the test images go through in chunks, each chunk's running figure logged and written, so a
// slow adapter shows progress (and a run stopped early still says how many images it scored)
const chunk = flags.chunk;
const predicted = new Int32Array(testCount);
let done = 0;
const partial = () => classic.accuracyOf(predicted.subarray(0, done), test.y.subarray(0, done));
while (done < testCount) {
  const end = Math.min(testCount, done + chunk);
  const xTest = wg.tensor(test.x.subarray(done * 3072, end * 3072), [end - done, 3072]);
  const p = await knn.predict(xTest, { k: cv.bestK, metric });
  predicted.set(await p.data(), done);
  p.dispose();
  xTest.dispose();
  done = end;
  log(`  ${done}/${testCount} test images: accuracy so far ${(100 * partial()).toFixed(2)}% (${((Date.now() - t) / 1000).toFixed(0)} s)`);
  if (done < testCount) report('classic-knn', `partial: ${done} of ${testCount} test images`, { adapter, cvTrain: cvCount, train: trainCount, test: done, metric, crossValidation: cv, cvSeconds, bestK: cv.bestK, testAccuracy: partial(), partial: true });
}
const accuracy = partial();
const predictSeconds = (Date.now() - t) / 1000;
const gflop = (2 * trainCount * testCount * 3072) / 1e9;
console.log(renderTable(['metric', 'k (5-fold CV)', 'train', 'test', 'test accuracy', 'predict s', 'GFLOP', 'GFLOP/s'], [
  [metric, String(cv.bestK), String(trainCount), String(testCount), `${(100 * accuracy).toFixed(2)}%`, predictSeconds.toFixed(0), gflop.toFixed(0), (gflop / predictSeconds).toFixed(2)],
], 1));
report('classic-knn', `k = ${cv.bestK} (by 5-fold CV on ${cvCount}), ${metric}, ${trainCount} train × ${testCount} test images: test accuracy ${(100 * accuracy).toFixed(2)}%`, {
  adapter, cvTrain: cvCount, train: trainCount, test: testCount, metric, crossValidation: cv, cvSeconds, bestK: cv.bestK, testAccuracy: accuracy, predictSeconds,
});
