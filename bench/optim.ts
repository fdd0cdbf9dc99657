// `npm run bench:optim`: one optimizer step over a ~5M-parameter model in headless Chromium,
// webgrad's fused WGSL update vs TensorFlow.js's WebGPU optimizers on the same adapter, with
// the dispatch (kernel) count per step of each. Prints a table, saves bench/results/optim.json.
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../src/io/atomic-write.js';
import { join } from 'node:path';
import { parseFlags } from './harness/cli.js';
import { runPage } from './harness/run-page.js';
import { renderTable } from './harness/table.js';
import { REPO_ROOT } from './harness/server.js';
import type { OptimBenchOptions, OptimBenchResult } from './pages/optim-page.js';

// a 5.0M-parameter MLP-like set: 2048×2048 + 2048 + 1024×768 + 768 + 10×768 + 10
const flags = parseFlags('npm run bench:optim --', { iterations: { kind: 'int', default: 5, describe: 'timed steps per optimizer' } });
const options: OptimBenchOptions = {
  shapes: [[2048, 2048], [2048], [1024, 768], [768], [10, 768], [10]],
  iterations: flags.iterations,
};

const started = Date.now();
console.log('bench:optim (one step, median ms; headless Chromium)');
const run = await runPage<OptimBenchResult>({
  page: 'bench/pages/optim.html',
  entry: 'runOptimBench',
  args: options,
  prebundle: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'],
});
const header = ['optimizer', 'webgrad ms', 'dispatches', 'buffer copies', 'tfjs-webgpu ms', 'tfjs kernels', 'speed-up', 'max rel diff'];
const lines = run.result.rows.map((r) => [
  r.optimizer, r.webgradMs.toFixed(1), String(r.webgradDispatchesPerStep), String(r.webgradCopiesPerStep), r.tfjsMs.toFixed(1), String(r.tfjsKernelsPerStep),
  `${(r.tfjsMs / r.webgradMs).toFixed(1)}x`, r.maxRelDiff.toExponential(1),
]);
console.log(`\n${run.browserVersion}; adapter ${run.adapter.vendor} / ${run.adapter.architecture} (webgrad: ${run.result.webgradAdapter})`);
console.log(`${(run.result.parameters / 1e6).toFixed(2)}M parameters; speed-up = tfjs ms / webgrad ms\n`);
console.log(renderTable(header, lines));
const outDir = join(REPO_ROOT, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'optim.json');
writeFileAtomicSync(outFile, JSON.stringify({ date: new Date().toISOString(), options, browser: run.browserVersion, adapter: run.adapter, ...run.result }, null, 2));
console.log(`\nJSON: ${outFile} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
