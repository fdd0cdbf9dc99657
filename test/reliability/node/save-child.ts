// Child process of atomic-save.test.ts: saves a 8 MB safetensors file over and over, each
// generation's tensors filled with the generation number, until it is killed. It prints
// `ready` once, then `saved` after each complete save.
// argv: <target path> <first generation>
import { createCpuBackend } from '../../../src/backend/cpu/index.js';
import { tensor } from '../../../src/creation.js';
import { saveSafetensors } from '../../../src/io/node-fs.js';
import { setBackend } from '../../../src/runtime.js';
import '../../../src/ops/index.js';

const [path, first] = process.argv.slice(2);
setBackend(createCpuBackend());
let gen = Number(first);
process.stdout.write('ready\n');
for (;;) {
  const a = tensor(new Float32Array(1400 * 1400).fill(gen), [1400, 1400]);
  const b = tensor(new Float32Array(24 * 1000).fill(gen), [24, 1000]);
  await saveSafetensors(path, { a, b }, { generation: String(gen) });
  a.dispose();
  b.dispose();
  process.stdout.write('saved\n');
  gen++;
}
