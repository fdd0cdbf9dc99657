// The first few hundred CIFAR-10 training images for the templates and loss-surface panels:
// read from the dev server's /data/cifar10/ (demo/vite.config.ts) only as far as needed, or
// the demo's synthetic images when the server has no CIFAR-10.
import * as wg from '../../../src/index.js';
import { DATA_URL, syntheticCifar } from '../data.js';

export interface Subset {
  /** float32 pixels in [0, 1], mean image subtracted, [count·3072] */
  x: Float32Array;
  y: Int32Array;
  /** the mean image that was subtracted (CHW, [0, 1]) */
  mean: Float32Array;
  count: number;
  source: string;
  classNames: string[];
}

/** reads a response body (gunzipped when `gzipped`) until `bytes` bytes have arrived */
async function readPrefix(response: Response, gzipped: boolean, bytes: number): Promise<Uint8Array> {
  // the server sends .gz files as opaque bytes (no Content-Encoding), so they arrive compressed
  const body = gzipped ? response.body!.pipeThrough(new DecompressionStream('gzip')) : response.body!;
  const reader = body.getReader();
  const out = new Uint8Array(bytes);
  let filled = 0;
  while (filled < bytes) {
    const { done, value } = await reader.read();
    if (done) break;
    const n = Math.min(value.length, bytes - filled);
    out.set(value.subarray(0, n), filled);
    filled += n;
  }
  await reader.cancel();
  if (filled < bytes) throw new Error(`the batch file ended after ${filled} of ${bytes} bytes`);
  return out;
}

async function fetchCifar(count: number): Promise<wg.data.ImageSet> {
  const listing = await fetch(`${DATA_URL}index.json`).then((r) => (r.ok ? (r.json() as Promise<{ files: string[] }>) : null)).catch(() => null);
  const file = listing?.files.find((f) => f === 'data_batch_1.bin' || f === 'data_batch_1.bin.gz');
  if (!file) throw new Error('no data_batch_1.bin on the server');
  const response = await fetch(DATA_URL + file);
  if (!response.ok || !response.body) throw new Error(`${file}: HTTP ${response.status}`);
  return wg.data.parseCifar10Batch(await readPrefix(response, file.endsWith('.gz'), count * wg.data.CIFAR10_RECORD_BYTES), file);
}

/** `count` CIFAR-10 training images (or synthetic ones if `synthetic` or none are served) */
export async function loadSubset(count: number, synthetic: boolean): Promise<Subset> {
  let set: wg.data.ImageSet;
  let source: string;
  try {
    if (synthetic) throw new Error('synthetic images asked for');
    set = await fetchCifar(count);
    source = `CIFAR-10 data_batch_1, first ${count} images`;
  } catch (e) {
    set = syntheticCifar(count, 0, 1).train;
    source = `synthetic images (${(e as Error).message})`;
  }
  const size = wg.data.CIFAR10_IMAGE_BYTES;
  const mean = new Float32Array(size);
  for (let i = 0; i < set.count; i++) for (let p = 0; p < size; p++) mean[p] += set.images[i * size + p] / 255 / set.count;
  const x = new Float32Array(set.count * size);
  for (let i = 0; i < set.count; i++) for (let p = 0; p < size; p++) x[i * size + p] = set.images[i * size + p] / 255 - mean[p];
  return { x, y: Int32Array.from(set.labels), mean, count: set.count, source, classNames: [...wg.data.CIFAR10_CLASSES] };
}
