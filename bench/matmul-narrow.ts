// `node --import tsx bench/matmul-narrow.ts`: products with a side ≤ 32 (a 10-class head, its
// weight gradient, a conv GEMM's 16 output channels) on a software adapter, timed with the
// workgroup fitted to the narrow side (what chooseMatmulVariant picks there) against the
// tuner's square-tile default for the same shape class, interleaved in the same run (Node,
// Dawn). Each result is checked against a float64 product on sampled elements. Prints a table
// and writes bench/results/matmul-narrow.json.
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../src/io/atomic-write.js';
import { join } from 'node:path';
import type { MatmulArgs } from '../src/backend/types.js';
import type { WebGPUBackend } from '../src/backend/webgpu/index.js';
import { fittedVariant, matmul, type MatmulVariant } from '../src/backend/webgpu/matmul.js';
import { tunerFor } from '../src/backend/webgpu/matmul-tuner.js';
import { initNode } from '../src/node.js';
import { Random } from '../src/index.js';
import { referenceElement } from '../test/matmul-reference.js';
import { parseFlags } from './harness/cli.js';
import { renderTable } from './harness/table.js';
import { REPO_ROOT } from './harness/server.js';

const SHAPES: { name: string; args: MatmulArgs }[] = [
  { name: 'linear head x·Wᵀ [200,3072]·[3072,10]', args: { batch: 1, m: 200, n: 10, k: 3072, transA: false, transB: true, aBatchStride: 0, bBatchStride: 0 } },
  { name: 'its weight gradient gᵀ·x [10,200]·[200,3072]', args: { batch: 1, m: 10, n: 3072, k: 200, transA: true, transB: false, aBatchStride: 0, bBatchStride: 0 } },
  { name: 'MLP head [64,256]·[256,10]', args: { batch: 1, m: 64, n: 10, k: 256, transA: false, transB: false, aBatchStride: 0, bBatchStride: 0 } },
  { name: 'conv1 GEMM 64× [16,75]·[75,1024]', args: { batch: 64, m: 16, n: 1024, k: 75, transA: false, transB: false, aBatchStride: 0, bBatchStride: 75 * 1024 } },
];
const REPS = 5;
parseFlags('node --import tsx bench/matmul-narrow.ts', {}); // no flags: rejects any

const be = (await initNode()) as WebGPUBackend;
if (!be.device.isSoftwareAdapter) console.log('note: not a software adapter; webgrad uses the fitted variants only on software adapters');
const rng = new Random(1);
const rows: string[][] = [];
const results: Record<string, unknown>[] = [];
for (const { name, args } of SHAPES) {
  const aLen = (args.aBatchStride ? args.batch : 1) * args.m * args.k;
  const bLen = (args.bBatchStride ? args.batch : 1) * args.k * args.n;
  const a = rng.uniform(aLen, -1, 1);
  const b = rng.uniform(bLen, -1, 1);
  const as = be.upload(a);
  const bs = be.upload(b);
  const out = be.upload(new Float32Array(args.batch * args.m * args.n));
  const fitted = fittedVariant(args)!;
  const square = tunerFor(be.device).choose(args);
  const time = async (v: MatmulVariant): Promise<number> => {
    matmul(be.device, as, bs, out, args, v);
    await be.read(out); // compile and warm up
    const t = performance.now();
    for (let i = 0; i < REPS; i++) matmul(be.device, as, bs, out, args, v);
    await be.read(out);
    return (performance.now() - t) / REPS;
  };
  // interleaved so load changes hit both alike; the best of three rounds each
  const fittedMs: number[] = [];
  const squareMs: number[] = [];
  for (let round = 0; round < 3; round++) {
    squareMs.push(await time(square));
    fittedMs.push(await time(fitted));
  }
  const got = (await be.read(out)) as Float32Array;
  let worst = 0;
  for (let s = 0; s < 64; s++) {
    const p = Math.floor(rng.uniform(1, 0, args.batch)[0]);
    const i = Math.floor(rng.uniform(1, 0, args.m)[0]);
    const j = Math.floor(rng.uniform(1, 0, args.n)[0]);
    const { value, scale } = referenceElement(a, b, args, p, i, j);
    worst = Math.max(worst, Math.abs(got[(p * args.m + i) * args.n + j] - value) / scale);
  }
  for (const s of [as, bs, out]) be.free(s);
  const f = Math.min(...fittedMs);
  const q = Math.min(...squareMs);
  const gflop = (2 * args.batch * args.m * args.n * args.k) / 1e9;
  rows.push([name, square.name, q.toFixed(2), fitted.name, f.toFixed(2), `${(q / f).toFixed(2)}x`, (gflop / (f / 1000)).toFixed(2), worst.toExponential(1)]);
  results.push({ name, args, squareVariant: square.name, squareMs: q, fittedVariant: fitted.name, fittedMs: f, speedup: q / f, worstRelativeError: worst });
}
console.log(`\nnarrow matmuls on ${be.adapterName} (Node, Dawn), best of 3 rounds of ${REPS} runs\n`);
console.log(renderTable(['product', 'square tiles', 'ms', 'fitted', 'ms', 'speed-up', 'fitted GFLOP/s', 'max rel err'], rows, 1));
const dir = join(REPO_ROOT, 'bench', 'results');
mkdirSync(dir, { recursive: true });
writeFileAtomicSync(join(dir, 'matmul-narrow.json'), JSON.stringify({ date: new Date().toISOString(), adapter: be.adapterName, reps: REPS, results }, null, 2));
console.log('\nJSON: bench/results/matmul-narrow.json');
be.destroy();
