// `npm run bench:conv`: conv2d forward / input-gradient / weight-gradient time and GFLOP/s in
// headless Chromium on one WebGPU adapter, webgrad (the per-shape algorithm, plus the implicit
// GEMM where cheap enough) vs TensorFlow.js's WebGPU backend, and a ConvNetJS CIFAR-10 net
// training step (batch 64) on both. Timing runs in bench/pages/conv-page.ts; this script
// serves it, prints the table, saves bench/results/conv.json.
// Options: see FLAGS below (`npm run bench:conv -- --help`).
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../src/io/atomic-write.js';
import { join } from 'node:path';
import { parseFlags } from './harness/cli.js';
import { runPage } from './harness/run-page.js';
import { renderTable } from './harness/table.js';
import { REPO_ROOT } from './harness/server.js';
import type { ConvBenchOptions, ConvBenchResult, ConvBenchRow } from './pages/conv-page.js';

const flags = parseFlags('npm run bench:conv --', {
  'no-implicit': { kind: 'boolean', describe: 'skip the implicit-GEMM timings' },
  'train-steps': { kind: 'int', default: 1, describe: 'timed training steps of the ConvNetJS net (0: skip training)' },
  before: { kind: 'boolean', describe: 'also time the training step with the implicit GEMM forced (slow)' },
  'train-only': { kind: 'boolean', describe: "skip the per-shape passes: only the two libraries' training steps" },
  'profile-steps': { kind: 'int', default: 0, describe: "also run N webgrad training steps under wg.profileKernels and print the GPU time per kernel" },
});

const options: ConvBenchOptions = {
  shapes: flags['train-only'] ? [] : [
    { name: '64×3×32×32 → 16 5×5 pad 2', x: [64, 3, 32, 32], filters: 16, kernel: 5, pad: 2 },
    { name: '64×16×16×16 → 20 5×5 pad 2', x: [64, 16, 16, 16], filters: 20, kernel: 5, pad: 2 },
    { name: '128×64×32×32 → 64 3×3 pad 1', x: [128, 64, 32, 32], filters: 64, kernel: 3, pad: 1 },
  ],
  // the implicit kernel runs ~0.01-0.04 GFLOP/s: only the two small CIFAR shapes fit the budget
  implicitShapes: flags['no-implicit'] ? [] : ['64×3×32×32 → 16 5×5 pad 2', '64×16×16×16 → 20 5×5 pad 2'],
  trainSteps: flags['train-steps'],
  trainBefore: flags.before,
  profileSteps: flags['profile-steps'],
};

function table(rows: ConvBenchRow[]): string {
  const ms = (s: number | null) => (s === null ? '-' : (s * 1000).toFixed(0));
  const gf = (r: ConvBenchRow, s: number | null) => (s === null ? '-' : (r.gflop / s).toFixed(2));
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? '-' : `${(b / a).toFixed(1)}x`);
  const header = ['shape', 'pass', 'GFLOP', 'algorithm', 'webgrad ms', 'GFLOP/s', 'implicit ms', 'GFLOP/s', 'tfjs ms', 'GFLOP/s', 'vs tfjs', 'vs implicit', 'diff'];
  const lines = rows.map((r) => [
    r.shape, r.pass, r.gflop.toFixed(2), r.chosen,
    ms(r.seconds.webgrad), gf(r, r.seconds.webgrad), ms(r.seconds.implicitGemm), gf(r, r.seconds.implicitGemm),
    ms(r.seconds.tfjs), gf(r, r.seconds.tfjs), ratio(r.seconds.webgrad, r.seconds.tfjs), ratio(r.seconds.webgrad, r.seconds.implicitGemm),
    r.maxRelDiffVsTfjs.toExponential(0),
  ]);
  return renderTable(header, lines, 2);
}

const started = Date.now();
console.log('bench:conv (f32, NCHW for webgrad / NHWC for tfjs, median seconds per pass; headless Chromium)');
const run = await runPage<ConvBenchResult>({
  page: 'bench/pages/conv.html',
  entry: 'runConvBench',
  args: options,
  prebundle: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'],
});
const { rows, train } = run.result;
console.log(`\n${run.browserVersion}; adapter ${run.adapter.vendor} / ${run.adapter.architecture} (webgrad: ${run.result.webgradAdapter})`);
console.log("'vs tfjs' / 'vs implicit' = how many times faster webgrad's chosen algorithm is; diff = max |webgrad − tfjs| / max |tfjs|\n");
console.log(table(rows));
if (train) {
  const f = (v: number | null) => (v === null ? '-' : v.toFixed(1));
  const { webgrad, webgradImplicit, tfjs } = train.imagesPerSecond;
  console.log(`\nConvNetJS CIFAR-10 net training step, batch ${train.batch} (img/s): webgrad ${f(webgrad)}` +
    `${webgradImplicit !== null ? `, webgrad with implicit GEMM (before) ${f(webgradImplicit)}` : ''}, tfjs-webgpu ${f(tfjs)}` +
    `${webgrad && tfjs ? ` → ${(webgrad / tfjs).toFixed(1)}x tfjs` : ''}`);
}
if (train && train.kernels.length > 0) {
  const steps = train.profileSteps;
  const total = train.kernels.reduce((sum, k) => sum + k.milliseconds, 0);
  console.log(`\nwebgrad's GPU time per kernel over ${steps} profiled training steps (timestamp queries, one pass per dispatch):`);
  console.log(renderTable(['kernel', 'calls/step', 'ms/step', 'share'], train.kernels.map((k) => [
    k.label, (k.calls / steps).toFixed(0), (k.milliseconds / steps).toFixed(1), `${((100 * k.milliseconds) / total).toFixed(1)}%`,
  ]).concat([['total', (train.kernels.reduce((s, k) => s + k.calls, 0) / steps).toFixed(0), (total / steps).toFixed(1), '100%']]), 1));
}
const outDir = join(REPO_ROOT, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'conv.json');
writeFileAtomicSync(outFile, JSON.stringify({
  date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, options,
  browser: run.browserVersion, adapter: run.adapter, commandLine: run.commandLine, ...run.result,
}, null, 2));
console.log(`\nJSON: ${outFile} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
