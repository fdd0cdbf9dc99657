// The device check's first step (scripts/device/README.md): which adapter Dawn gives in Node on
// this machine, and one matmul on it against a float64 loop, before the long run. Exits 1 on a
// software adapter or a wrong product, so the run stops before spending device time.
import * as wg from '../../src/node.js';

const be = await wg.initNode({ matmulTuning: { tune: false } });
console.log(`adapter: ${be.adapterName}${be.isSoftwareAdapter ? ' (software)' : ''}; shader-f16: ${wg.hasFloat16()}`);
const n = 384;
const a = wg.randn([n, n], { seed: 1 });
const b = wg.randn([n, n], { seed: 2 });
const got = (await a.matmul(b).data()) as Float32Array;
const [ad, bd] = [await a.data(), await b.data()];
let worst = 0;
for (let i = 0; i < n; i++)
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += ad[i * n + k] * bd[k * n + j];
    worst = Math.max(worst, Math.abs(got[i * n + j] - s));
  }
console.log(`matmul ${n}²: worst difference from a float64 loop ${worst.toExponential(2)}`);
if (!(worst < 1e-3) || be.isSoftwareAdapter) process.exit(1);
