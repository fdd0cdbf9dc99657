// Where the worker gets its images: CIFAR-10 from the dev server's /data/cifar10/ folder or
// from dropped files, or a tiny synthetic set (for tests and machines without the data).
import * as wg from '../../src/index.js';
import type { TrainConfig } from './config.js';

type ImageDataset = wg.data.ImageDataset;
type ImageSet = wg.data.ImageSet;

export const CIFAR_NORMALIZE = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] };
export const DATA_URL = '/data/cifar10/';

export const MISSING_DATA_HELP =
  'CIFAR-10 was not found. Get the official binary archive from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz ' +
  '(`npm run demo` downloads it into a cache by itself where the machine has internet), then either drop the .tar.gz or the .bin/.bin.gz files on this page, ' +
  'or put them in a folder and start the dev server with WEBGRAD_DATA=DIR npm run demo (default folder: ../shared/datasets/cifar10 from the repository root).';

/** The listing the dev server publishes at /data/cifar10/index.json (see demo/vite.config.ts). */
interface DataListing {
  dir: string;
  files: string[];
}

const TRAIN_BATCH_IMAGES = 10_000;

/** Picks the batch files to fetch: all five training batches, or only the first when `trainLimit` fits in it. */
function pickFiles(listing: DataListing, trainLimit: number): string[] {
  const has = (base: string): string | undefined => listing.files.find((f) => f === base || f === `${base}.gz`);
  const archive = listing.files.find((f) => f.endsWith('.tar.gz') || f.endsWith('.tar'));
  const trainBatches = trainLimit > 0 && trainLimit <= TRAIN_BATCH_IMAGES ? 1 : 5;
  const wanted = [...Array.from({ length: trainBatches }, (_, i) => `data_batch_${i + 1}.bin`), 'test_batch.bin'];
  const found = wanted.map(has);
  if (found.every((f): f is string => f !== undefined)) return found;
  if (archive) return [archive];
  throw new Error(`${MISSING_DATA_HELP} (the server's folder ${listing.dir} holds: ${listing.files.join(', ') || 'nothing'})`);
}

async function fetchListing(): Promise<DataListing> {
  const response = await fetch(`${DATA_URL}index.json`).catch(() => null);
  if (!response?.ok) throw new Error(`${MISSING_DATA_HELP} (no ${DATA_URL}index.json on this server)`);
  return (await response.json()) as DataListing;
}

/** the first `limit` images of a set (0: all) */
export function firstImages(set: ImageSet, limit: number): ImageSet {
  if (limit <= 0 || limit >= set.count) return set;
  const size = set.channels * set.height * set.width;
  return { ...set, count: limit, images: set.images.subarray(0, limit * size), labels: set.labels.subarray(0, limit) };
}

/** Images whose class is visible in their colour and stripes: learnable in a few steps, for tests. */
export function syntheticCifar(trainCount: number, testCount: number, seed: number): ImageDataset {
  const random = new wg.Random(seed);
  const make = (count: number): ImageSet => {
    const size = 3 * 32 * 32;
    const images = new Uint8Array(count * size);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const label = i % 10;
      labels[i] = label;
      for (let c = 0; c < 3; c++) {
        const base = 40 + 20 * ((label * (c + 3)) % 10);
        for (let p = 0; p < 1024; p++) {
          const stripe = (p >> 5) % (label + 2) === 0 ? 60 : 0;
          images[i * size + c * 1024 + p] = Math.min(255, base + stripe + Math.floor(random.next() * 40));
        }
      }
    }
    return { images, labels, count, channels: 3, height: 32, width: 32 };
  };
  return { train: make(trainCount), test: make(testCount), classNames: [...wg.data.CIFAR10_CLASSES] };
}

export async function loadImages(cfg: TrainConfig, files: File[] | undefined, onProgress: wg.data.ProgressCallback): Promise<ImageDataset> {
  let dataset: ImageDataset;
  if (cfg.data === 'synthetic') {
    dataset = syntheticCifar(cfg.trainLimit || 640, cfg.testLimit || 200, cfg.seed);
  } else if (files && files.length > 0) {
    dataset = await wg.data.readCifar10(files, { onProgress });
  } else {
    const listing = await fetchListing();
    dataset = await wg.data.readCifar10(pickFiles(listing, cfg.trainLimit).map((f) => DATA_URL + f), { onProgress });
  }
  return { ...dataset, train: firstImages(dataset.train, cfg.trainLimit), test: firstImages(dataset.test, cfg.testLimit) };
}
