// Linear SVM and softmax classifiers on raw CIFAR-10 pixels (the course's assignment 1 setup:
// mean-image subtraction, bias trick, 49,000 train / 1,000 validation, batches of 200, SGD with momentum 0.9 by default),
// scored once on the 10,000 test images. Targets: SVM ≥ 37%, softmax ≥ 38%.
//
// Hyper-parameters are chosen on the validation split only: (1) a learning rate × λ grid,
// each pair trained for --sweep-epochs on the first --sweep-train training rows and scored
// on the 1,000 validation rows; (2) the best pair retrained on all 49,000 training rows for
// --epochs with the learning rate multiplied by --lr-decay after every epoch; (3) that model
// scored once on the test set. The test set takes no part in any choice.
//
// Run: node --import tsx bench/classic/linear.ts [--loss svm|softmax|both] [--epochs 8]
//        [--sweep-epochs 1] [--sweep-train 49000] [--lrs 1e-7,3e-7,1e-6] [--lambdas 1e3,5e3,2.5e4]
//        [--lr-decay 0.9] [--optimizer sgd|momentum|adam|rmsprop] [--standardize]
// --standardize also divides every pixel column by its training-split standard deviation
// (still raw pixels, one scale per pixel; the demo page's linear models see pixels scaled
// per channel): the step sizes and λ that suit it are about 1e-3 and 1e-3..1e-1, not 1e-7 and 1e4.
import { parseFlags } from '../harness/cli.js';
import { renderTable } from '../harness/table.js';
import { cifar, classic, log, report, rows, setup, standardize } from './common.js';

const flags = parseFlags('node --import tsx bench/classic/linear.ts', {
  loss: { kind: 'string', choices: ['svm', 'softmax', 'both'], default: 'both', describe: 'which classifier(s)' },
  epochs: { kind: 'int', default: 8, describe: 'epochs of the final run on all 49,000 training rows' },
  'sweep-epochs': { kind: 'int', default: 1, describe: 'epochs per grid point' },
  'sweep-train': { kind: 'int', default: 49000, describe: 'training rows per grid point' },
  lrs: { kind: 'numbers', default: [1e-7, 3e-7, 1e-6], describe: 'learning rates of the grid' },
  lambdas: { kind: 'numbers', default: [1e3, 5e3, 2.5e4], describe: 'L2 strengths of the grid' },
  'lr-decay': { kind: 'number', default: 0.9, describe: 'learning-rate factor after each epoch' },
  optimizer: { kind: 'string', choices: ['sgd', 'momentum', 'adam', 'rmsprop'], default: 'momentum', describe: 'update rule' },
  standardize: { kind: 'boolean', describe: "divide every pixel column by its training-split standard deviation" },
});
const losses = (flags.loss === 'both' ? ['svm', 'softmax'] : [flags.loss]) as classic.LinearLoss[];
const epochs = flags.epochs;
const sweepEpochs = flags['sweep-epochs'];
const sweepTrain = flags['sweep-train'];
const lrs = flags.lrs;
const lambdas = flags.lambdas;
const lrDecay = flags['lr-decay'];
const optimizer = flags.optimizer as classic.OptimizerName;
const divideByStd = flags.standardize;
const batchSize = 200;
const seconds = (t: number) => (Date.now() - t) / 1000;
const pct = (a: number) => `${(100 * a).toFixed(2)}%`;

const adapter = await setup();
const { train: all, test } = await cifar();
const train = rows(all, 0, 49_000);
const val = rows(all, 49_000, 50_000);
standardize([train.x, val.x, test.x], 3072, { divideByStd });
const sweepSet = rows(train, 0, Math.min(sweepTrain, train.count), 3072);
const results: Record<string, unknown> = {
  adapter, train: train.count, val: val.count, test: test.count, batchSize, optimizer, lrDecay,
  preprocessing: divideByStd ? 'per-pixel standardisation' : 'mean-image subtraction',
  sweep: { train: sweepSet.count, epochs: sweepEpochs, lrs, lambdas }, finalEpochs: epochs,
};
const table: string[][] = [];
for (const loss of losses) {
  const base = { loss, inputSize: 3072, numClasses: 10, biasTrick: true, seed: 0 } as const;
  log(`${loss}: ${optimizer}, sweeping lr ${lrs.join(', ')} × λ ${lambdas.join(', ')} on ${sweepSet.count} train rows, ${sweepEpochs} epoch(s) each, scored on ${val.count} validation rows`);
  let t = Date.now();
  let trialStart = Date.now();
  const sweep = await classic.LinearClassifier.sweep(base, sweepSet, val, {
    lrs, lambdas, epochs: sweepEpochs, batchSize, optimizer, lrDecay,
    onTrial: (tr) => {
      log(`  lr ${tr.lr} λ ${tr.lambda}: train ${pct(tr.trainAccuracy)}, val ${pct(tr.valAccuracy)} (${seconds(trialStart).toFixed(0)} s)`);
      trialStart = Date.now();
    },
  });
  const sweepSeconds = seconds(t);
  const { lr, lambda } = sweep.bestTrial;
  log(`${loss}: best on validation lr ${lr} λ ${lambda} (val ${pct(sweep.bestTrial.valAccuracy)}), sweep took ${sweepSeconds.toFixed(0)} s`);
  let model = sweep.best;
  t = Date.now();
  if (epochs !== sweepEpochs || sweepSet.count !== train.count) {
    model.dispose();
    log(`${loss}: retraining lr ${lr} λ ${lambda} on ${train.count} rows for ${epochs} epochs (lr × ${lrDecay} per epoch)`);
    model = new classic.LinearClassifier({ ...base, lambda });
    const fitted = model;
    await model.fit(train.x, train.y, {
      epochs, batchSize, lr, optimizer, lrDecay,
      onEpoch: async ({ epoch, loss: l, lr: epochLr }) => log(`  epoch ${epoch + 1}/${epochs}: loss ${l.toFixed(4)} (lr ${epochLr.toExponential(2)}), val ${pct(await fitted.accuracy(val.x, val.y))}`),
    });
  }
  const trainSeconds = seconds(t);
  const trainAccuracy = await model.accuracy(train.x, train.y);
  const valAccuracy = await model.accuracy(val.x, val.y);
  const testAccuracy = await model.accuracy(test.x, test.y);
  model.dispose();
  log(`${loss}: lr ${lr} λ ${lambda}: train ${pct(trainAccuracy)}, val ${pct(valAccuracy)}, test ${pct(testAccuracy)}`);
  results[loss] = { lr, lambda, epochs, trainAccuracy, valAccuracy, testAccuracy, sweepSeconds, trainSeconds, sweepBest: sweep.bestTrial, trials: sweep.trials };
  table.push([loss, String(lr), String(lambda), String(epochs), pct(trainAccuracy), pct(valAccuracy), pct(testAccuracy), sweepSeconds.toFixed(0), trainSeconds.toFixed(0)]);
}
console.log(renderTable(['loss', 'lr', 'λ', 'epochs', 'train', 'val', `test (${test.count})`, 'sweep s', 'final fit s'], table, 1));
const name = `classic-linear${losses.length === 1 ? `-${losses[0]}` : ''}${divideByStd ? '-standardized' : ''}`;
report(name, `test accuracy on ${test.count} images: ${table.map((r) => `${r[0]} ${r[6]}`).join(', ')}`, results);
