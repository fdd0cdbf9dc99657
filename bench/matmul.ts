// `npm run bench:matmul`: f32 square matmul GFLOP/s in headless Chromium on one WebGPU
// adapter: every webgrad variant, the tuner's choice, the CPU reference (256, 512) and
// TensorFlow.js's WebGPU backend, with the ratio webgrad/tfjs. The timing runs in the page
// (bench/pages/matmul-page.ts); this script serves it, prints the table, saves JSON.
// Options: --sizes 256,512,1024,2048  --cpu-sizes 256,512 (`--help` lists them)
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../src/io/atomic-write.js';
import { join } from 'node:path';
import { parseFlags } from './harness/cli.js';
import { runPage } from './harness/run-page.js';
import { renderTable } from './harness/table.js';
import { REPO_ROOT } from './harness/server.js';
import type { MatmulBenchOptions, MatmulBenchResult, MatmulBenchRow } from './pages/matmul-page.js';

const flags = parseFlags('npm run bench:matmul --', {
  sizes: { kind: 'ints', default: [256, 512, 1024, 2048], describe: 'square sizes n (n×n · n×n)' },
  'cpu-sizes': { kind: 'ints', default: [256, 512], describe: 'sizes also timed on the CPU reference' },
});
const options: MatmulBenchOptions = {
  sizes: flags.sizes,
  cpuSizes: flags['cpu-sizes'],
  maxRunSeconds: 6,
  maxTunedRunSeconds: 30,
  maxTfjsRunSeconds: 90,
};

function table(rows: MatmulBenchRow[], variantNames: string[]): string {
  const fmt = (x: number | null, digits = 2) => (x === null ? '-' : x.toFixed(digits));
  const header = ['n', 'tuned variant', 'webgrad tuned', ...variantNames, 'webgrad-cpu', 'tfjs-webgpu', 'webgrad/tfjs'];
  const lines = rows.map((r) => [
    String(r.size), r.tunedVariant, fmt(r.tunedGflops), ...variantNames.map((v) => fmt(r.variants[v] ?? null)),
    fmt(r.cpuGflops, 3), fmt(r.tfjsGflops),
    r.tunedGflops !== null && r.tfjsGflops ? `${(r.tunedGflops / r.tfjsGflops).toFixed(1)}x` : '-',
  ]);
  return renderTable(header, lines);
}

const started = Date.now();
console.log(`bench:matmul sizes ${options.sizes.join(', ')} (GFLOP/s, f32, median; headless Chromium)`);
const run = await runPage<MatmulBenchResult>({
  page: 'bench/pages/matmul.html',
  entry: 'runMatmulBench',
  args: options,
  prebundle: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-webgpu'],
});
const { rows } = run.result;
const bad = rows.filter((r) => !(r.sampledErrorVsFloat64 <= 1e-5));
if (bad.length) console.log(`WARNING: webgrad's product is off the float64 reference at n = ${bad.map((r) => r.size).join(', ')}`);
const variantNames = Object.keys(rows[0]?.variants ?? {});
console.log(`\n${run.browserVersion}; adapter ${run.adapter.vendor} / ${run.adapter.architecture} (webgrad: ${run.result.webgradAdapter})`);
console.log(`GFLOP/s = 2n³ / median seconds; '-' = skipped (predicted over ${options.maxRunSeconds} s per run) or not run\n`);
console.log(table(rows, variantNames));

const outDir = join(REPO_ROOT, 'bench', 'results');
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, 'matmul.json');
writeFileAtomicSync(outFile, JSON.stringify({
  date: new Date().toISOString(), seconds: (Date.now() - started) / 1000, options,
  browser: run.browserVersion, adapter: run.adapter, commandLine: run.commandLine, ...run.result,
}, null, 2));
console.log(`\nJSON: ${outFile} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
