// Node only (reached from 'webgrad/node'): find a dataset on disk and read it: loadCifar10,
// loadFashionMnist, loadMnist. Each searches the `dir` option, $WEBGRAD_DATA, then
// ../shared/datasets and system places, and says where it looked when nothing is found.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readCifar10 } from './cifar10.js';
import type { ImageDataset, Split } from './dataset.js';
import { CIFAR10_ARCHIVE_NAME } from './download.js';
import { FASHION_MNIST_CLASSES, MNIST_CLASSES, readIdxDataset } from './idx.js';
import { defaultCacheDir, firstExistingFile, locateDataset, searchPlaces, type LayoutProbe } from './locate.js';
import type { ProgressCallback } from './source.js';

export interface LoadOptions {
  /** a folder holding the files, or holding the dataset's subfolder (cifar10/, fashion-mnist/) */
  dir?: string;
  onProgress?: ProgressCallback;
  /** which splits to read (default both); the other comes back empty */
  splits?: readonly Split[];
}

async function folderExists(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => null))?.isDirectory() ?? false;
}

const plainOrGzip = (base: string): string[] => [base, `${base}.gz`];

function cifarBatchNames(splits: readonly Split[]): string[] {
  return [
    ...(splits.includes('train') ? [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`) : []),
    ...(splits.includes('test') ? ['test_batch.bin'] : []),
  ];
}

/** CIFAR-10 layouts: the batch files directly, a cifar-10-batches-bin/ subfolder, or the official archive. */
const probeCifar10: LayoutProbe = async (dir, splits) => {
  if (!(await folderExists(dir))) return { missing: 'no such folder' };
  for (const folder of [dir, join(dir, 'cifar-10-batches-bin')]) {
    const files: string[] = [];
    let missing: string | undefined;
    for (const name of cifarBatchNames(splits)) {
      const path = await firstExistingFile(folder, plainOrGzip(name));
      if (path) files.push(path);
      else missing ??= name;
    }
    if (!missing) {
      const meta = await firstExistingFile(folder, ['batches.meta.txt']);
      return { files: meta ? [...files, meta] : files };
    }
    if (folder === dir) {
      const archive = await firstExistingFile(dir, [CIFAR10_ARCHIVE_NAME]);
      if (archive) return { files: [archive] };
    }
  }
  return { missing: `no ${cifarBatchNames(splits).join('/')} (.bin or .bin.gz), no cifar-10-batches-bin/, no ${CIFAR10_ARCHIVE_NAME}` };
};

/**
 * The CIFAR-10 files on disk (Node): looks in `dir`, then $WEBGRAD_DATA, then
 * ../shared/datasets/cifar10, then the download cache of downloadCifar10(); throws an error
 * listing every place and what was missing there.
 */
export async function locateCifar10(opts: Pick<LoadOptions, 'dir' | 'splits'> = {}): Promise<string[]> {
  const splits = opts.splits ?? ['train', 'test'];
  const cache = await defaultCacheDir();
  const places = await searchPlaces(opts.dir, 'cifar10', [{ dir: cache, reason: 'the downloadCifar10() cache' }]);
  return locateDataset('CIFAR-10', places, splits, probeCifar10,
    'Pass { dir }, set WEBGRAD_DATA to a folder holding cifar10/, or (with internet) call downloadCifar10().');
}

/** Loads CIFAR-10 (Node) from the first place locateCifar10 finds it. */
export async function loadCifar10(opts: LoadOptions = {}): Promise<ImageDataset> {
  const splits = opts.splits ?? ['train', 'test'];
  return readCifar10(await locateCifar10(opts), { onProgress: opts.onProgress, splits });
}

const IDX_PREFIX: Record<Split, string> = { train: 'train', test: 't10k' };

/** MNIST-style layout: {train,t10k}-{images-idx3,labels-idx1}-ubyte, plain or .gz. */
const probeIdx: LayoutProbe = async (dir, splits) => {
  if (!(await folderExists(dir))) return { missing: 'no such folder' };
  const files: string[] = [];
  for (const split of splits) {
    for (const kind of ['images-idx3', 'labels-idx1']) {
      const name = `${IDX_PREFIX[split]}-${kind}-ubyte`;
      const path = await firstExistingFile(dir, plainOrGzip(name));
      if (!path) return { missing: `no ${name} (plain or .gz)` };
      files.push(path);
    }
  }
  return { files };
};

async function loadIdxDataset(label: string, subfolder: string, systemDir: string, classNames: string[], opts: LoadOptions): Promise<ImageDataset> {
  const splits = opts.splits ?? ['train', 'test'];
  const places = await searchPlaces(opts.dir, subfolder, [{ dir: systemDir, reason: 'Debian package location' }]);
  const files = await locateDataset(label, places, splits, probeIdx,
    `Pass { dir }, set WEBGRAD_DATA to a folder holding ${subfolder}/, or on Debian: apt-get install dataset-${subfolder}.`);
  const sources: Partial<Record<Split, { images: string; labels: string }>> = {};
  splits.forEach((split, i) => {
    sources[split] = { images: files[2 * i], labels: files[2 * i + 1] };
  });
  return readIdxDataset(sources, { onProgress: opts.onProgress, classNames });
}

/** Loads Fashion-MNIST (Node): `dir`, $WEBGRAD_DATA, ../shared/datasets/fashion-mnist, /usr/share/datasets/fashion-mnist. */
export function loadFashionMnist(opts: LoadOptions = {}): Promise<ImageDataset> {
  return loadIdxDataset('Fashion-MNIST', 'fashion-mnist', '/usr/share/datasets/fashion-mnist', FASHION_MNIST_CLASSES, opts);
}

/** Loads MNIST digits (Node), same layout and search as loadFashionMnist with mnist/ folders. */
export function loadMnist(opts: LoadOptions = {}): Promise<ImageDataset> {
  return loadIdxDataset('MNIST', 'mnist', '/usr/share/datasets/mnist', MNIST_CLASSES, opts);
}
