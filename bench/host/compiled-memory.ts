// Device memory of a compiled training step on Dawn's Null backend (sizes are exact there: no
// GPU work, the same allocations): what is live (parameters, gradients, optimizer state and the
// recording's temporaries), what the pool keeps free, and what is left after wg.trimPool().
// The recording places its temporaries by their lives (src/backend/webgpu/temporaries-plan.ts);
// the capture's other buffers go back to the pool, where eager work (an evaluation) reuses
// them and trimPool releases them.
//   node --import tsx bench/host/compiled-memory.ts [--cases a,d,e] [--json FILE]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as wg from '../../src/index.js';
import { initNode } from '../../src/node.js';
import { parseFlags } from '../harness/cli.js';
import { caseNamed } from './args.js';
import { type CaseName, buildCase, disposeCase } from './cases.js';

const values = parseFlags('npm run bench:memory --', {
  cases: { kind: 'strings', default: ['a', 'd', 'e'], describe: 'which cases, as letters or names (bench/host/cases.ts)' },
  json: { kind: 'string', default: 'bench/results/compiled-memory.json', describe: 'where the JSON goes' },
}, { intro: "A compiled step's device memory on Dawn's Null backend: live, recording, pooled, after wg.trimPool()." });
let cases: CaseName[];
try {
  cases = values.cases.map(caseNamed);
} catch (e) {
  console.error(`npm run bench:memory: ${(e as Error).message}`);
  process.exit(2);
}

await initNode({ dawnFlags: ['backend=null'], matmulTuning: { tune: false } });
const mib = (b: number): string => (b / 2 ** 20).toFixed(1);
const rows: { case: CaseName; liveBytes: number; pooledBytes: number; recordingBytes: number; afterTrimBytes: number }[] = [];
for (const name of cases) {
  wg.trimPool();
  const c = buildCase(name, { totalSteps: 20 });
  const step = wg.compile(c.body);
  for (let i = 0; i < 4; i++) {
    step(c.x, c.y).dispose();
    c.scheduler?.step();
    await wg.flush();
  }
  const s = wg.stats();
  wg.trimPool();
  rows.push({ case: name, liveBytes: s.liveBytes, pooledBytes: s.pooledBytes, recordingBytes: s.recordingBytes, afterTrimBytes: wg.stats().liveBytes + wg.stats().pooledBytes });
  step.dispose();
  disposeCase(c);
}

console.log('Compiled step memory on Dawn Null, after 4 calls (MiB): live includes the recording\n');
console.log('case                  live  recording  pooled  after trimPool');
for (const r of rows) console.log(`${r.case.padEnd(18)} ${mib(r.liveBytes).padStart(7)} ${mib(r.recordingBytes).padStart(10)} ${mib(r.pooledBytes).padStart(7)} ${mib(r.afterTrimBytes).padStart(15)}`);
const json = values.json!;
mkdirSync(dirname(json), { recursive: true });
writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), rows }, null, 2)}\n`);
console.log(`\nwrote ${json}`);
wg.backend().destroy();
