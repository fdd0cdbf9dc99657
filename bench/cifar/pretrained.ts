// The page's "load pretrained" checkpoint (demo/public/pretrained/convnetjs.safetensors).
//
// The ConvNetJS net is trained by its PyTorch replica (bench/cifar/torch-replica.py: the same
// layers, initialisation, normalisation, augmentation, Adam and OneCycleLR as `npm run bench`),
// because an epoch takes ~20 s there against ~16 min for webgrad on this machine's SwiftShader;
// this script then loads that file into webgrad's own convnetjs model with the strict loader,
// measures its test accuracy in webgrad on all 10,000 test images, and writes the checkpoint
// with the figure and the commands that made it in its metadata. The page shows them.
//
//   /usr/bin/python3 bench/cifar/torch-replica.py --batch 64 --lr 3e-3 --epochs 20 --seed 1 --save /tmp/convnetjs-torch.safetensors
//   npx tsx bench/cifar/pretrained.ts --from /tmp/convnetjs-torch.safetensors
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildModel } from '../../demo/src/models.js';
import { evaluateOn } from '../../demo/src/session.js';
import * as wg from '../../src/node.js';
import { parseFlags } from '../harness/cli.js';

const FLAGS = {
  from: { kind: 'string', describe: 'the PyTorch-trained file (torch-replica.py --save)' },
  out: { kind: 'string', default: 'demo/public/pretrained/convnetjs.safetensors', describe: 'where the checkpoint goes' },
  data: { kind: 'string', describe: 'CIFAR-10 folder (default $WEBGRAD_DATA, then ../shared/datasets/cifar10)' },
  backend: { kind: 'string', default: 'webgpu', choices: ['webgpu', 'cpu'], describe: 'where webgrad evaluates it' },
} as const;

const flags = parseFlags('npx tsx bench/cifar/pretrained.ts', FLAGS, { intro: 'Checks a PyTorch-trained ConvNetJS net in webgrad and writes the page\'s pretrained checkpoint.' });
if (!flags.from) {
  console.error('--from is required: the file written by torch-replica.py --save');
  process.exit(2);
}
const bytes = new Uint8Array(readFileSync(flags.from));
const meta = wg.io.parseSafetensors(bytes).metadata; // host-side parse: no device tensors to free
await (flags.backend === 'cpu' ? wg.init({ backend: 'cpu' }) : wg.initNode());
const dir = flags.data ?? process.env.WEBGRAD_DATA ?? new URL('../../../shared/datasets/cifar10', import.meta.url).pathname;
const data = await wg.data.loadCifar10({ dir, splits: ['test'] });
const model = buildModel('convnetjs', 1);
// strict: every key of webgrad's model present in the file and nothing else
wg.io.loadStateDict(model, bytes);
const started = performance.now();
const result = await evaluateOn(model, data.test);
const accuracy = (100 * result.accuracy).toFixed(2);
console.log(`webgrad (${wg.backend().adapterName}): ${accuracy}% on ${result.total} test images in ${((performance.now() - started) / 1000).toFixed(1)} s; PyTorch measured ${(+meta.torchTestAccuracy).toFixed(2)}%`);

const args = JSON.parse(meta.args ?? '{}') as Record<string, unknown>;
const torchCommand = `/usr/bin/python3 bench/cifar/torch-replica.py --batch ${args.batch} --lr ${args.lr} --epochs ${args.epochs} --seed ${args.seed} --save FILE`;
const metadata = {
  model: 'convnetjs',
  testAccuracy: accuracy,
  testImages: String(result.total),
  evaluatedWith: `webgrad ${flags.backend} (${wg.backend().adapterName})`,
  trainedWith: `${meta.trainedWith}: ${args.epochs} epochs, batch ${args.batch}, Adam ${args.lr} with OneCycleLR, flip + ±${args.pad} px crops, seed ${args.seed}, ${meta.seconds} s on ${args.threads ?? "all"} CPU thread(s) of a shared 2-core machine`,
  command: `${torchCommand} && npx tsx bench/cifar/pretrained.ts --from FILE`,
};
mkdirSync(dirname(flags.out), { recursive: true });
wg.writeFileAtomicSync(flags.out, await wg.io.saveStateDict(model, metadata));
console.log(`wrote ${flags.out}`);
model.dispose();
