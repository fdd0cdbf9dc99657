// npm run bench: trains a CIFAR-10 model in headless Chromium through the demo page (its
// training worker, on the browser's WebGPU adapter), evaluates it on the test set, and
// prints and saves the result. `npm run bench -- --help` lists the flags. Without a local
// CIFAR-10 copy it downloads the official archive once into the cache (--no-download: don't).
import { ensureCifar10 } from '../demo/cifar-data.js';
import { cropPadding } from '../demo/src/config.js';
import { parseArgs, USAGE } from './cifar/args.js';
import { CliError } from './harness/cli.js';
import { runInNode } from './cifar/node-run.js';
import { kernelTable, ProgressPrinter, resultTable, writeJson } from './cifar/report.js';

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof CliError && e.help) {
      console.log(USAGE);
      process.exit(0);
    }
    console.error(`npm run bench: ${(e as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const dataDir = args.config.data === 'cifar10' ? await ensureCifar10({ dir: args.dataDir, download: args.download }) : args.dataDir;
  const progress = new ProgressPrinter();
  // the browser driver (and its Chromium automation) loads only when it is used
  const runDemo = args.runtime === 'node' ? runInNode : (await import('./cifar/driver.js')).runDemo;
  const run = await runDemo(args.config, {
    dataDir,
    onMessage: (msg) => progress.onMessage(msg),
    onLog: (line) => {
      progress.finish();
      console.error(line);
    },
  });
  progress.finish();
  const { result } = run;
  console.log(`\n${resultTable(result, args.config)}`);
  console.log(`\nforward FLOPs per image: ${(result.forwardFlopsPerImage / 1e6).toFixed(1)} M (a training step ≈ 3× that per image)`);
  if (result.kernels?.length)
    console.log(`\nGPU time per kernel over ${result.profileSteps} profiled training step(s) after the run (wg.profileKernels):\n${kernelTable(result)}`);
  const { losses, ...summary } = result;
  writeJson(args.jsonPath, {
    ...summary,
    testAccuracy: result.testAccuracy,
    browser: run.browserVersion,
    adapterDescription: run.adapterDescription,
    config: args.config.augment ? { ...args.config, cropPad: cropPadding(args.config) } : args.config,
    losses,
    date: new Date().toISOString(),
  });
  console.log(`\nwrote ${args.jsonPath}`);
  if (result.perStep.dispatches === 0 && result.steps > 1)
    console.warn('note: per-step counters are taken on steps without a loss readback; with --lossEvery 1 there were none');
  else if (result.perStep.submits !== 1 || result.perStep.readbacks !== 0)
    console.warn(`warning: a training step made ${result.perStep.submits} submits and ${result.perStep.readbacks} readbacks (want 1 and 0)`);
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
