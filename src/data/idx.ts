// MNIST / Fashion-MNIST IDX files (plain or gzip'd): a big-endian header (two zero bytes, a
// type byte, the number of dimensions, one uint32 per dimension) then the data. Images
// are magic 0x00000803 (uint8, N×28×28), labels 0x00000801 (uint8, N).
import { emptyImageSet, type ImageDataset, type ImageSet, type Split } from './dataset.js';
import { gunzipIfNeeded, openSource, ProgressTracker, readAllBytes, type DatasetSource, type ProgressCallback } from './source.js';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const MNIST_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const IDX_UINT8 = 0x08;

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an uncompressed IDX file, checking the magic number (type and rank) it must have. */
export function parseIdx(bytes: Uint8Array, file: string, expectedMagic: number): IdxArray {
  if (bytes.length < 4) throw new Error(`webgrad: ${file}: truncated IDX header: ${bytes.length} bytes at byte offset 0`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) {
    const hex = (m: number): string => `0x${m.toString(16).padStart(8, '0')}`;
    throw new Error(`webgrad: ${file}: bad IDX magic number ${hex(magic)} at byte offset 0, expected ${hex(expectedMagic)} (${expectedMagic === IDX_IMAGES_MAGIC ? 'uint8 images, 3 dimensions' : 'uint8 labels, 1 dimension'})`);
  }
  if (bytes[2] !== IDX_UINT8) throw new Error(`webgrad: ${file}: IDX data type 0x${bytes[2].toString(16)} at byte offset 2 is not uint8`);
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) throw new Error(`webgrad: ${file}: truncated IDX header: ${bytes.length} of ${headerBytes} bytes`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const available = bytes.length - headerBytes;
  if (available < expected)
    throw new Error(`webgrad: ${file}: truncated IDX data: the header promises ${expected} bytes ([${dims.join(', ')}]) from byte offset ${headerBytes}, but the file ends at byte offset ${bytes.length}`);
  if (available > expected)
    throw new Error(`webgrad: ${file}: ${available - expected} unexpected bytes after the IDX data, from byte offset ${headerBytes + expected}`);
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Pairs an IDX image file with its label file into one single-channel image set. */
export function idxImageSet(images: IdxArray, labels: IdxArray, imagesFile: string, labelsFile: string): ImageSet {
  const [count, height, width] = images.dims;
  if (labels.dims[0] !== count)
    throw new Error(`webgrad: count mismatch: ${imagesFile} has ${count} images but ${labelsFile} has ${labels.dims[0]} labels`);
  return { images: images.data, labels: labels.data, count, channels: 1, height, width };
}

export interface IdxSplitSources {
  images: DatasetSource;
  labels: DatasetSource;
}

export interface IdxReadOptions {
  onProgress?: ProgressCallback;
  classNames?: string[];
}

/**
 * Reads MNIST-style IDX files (plain or .gz) from any sources (paths, URLs, Files,
 * buffers). A split that is not given comes back empty.
 */
export async function readIdxDataset(splits: Partial<Record<Split, IdxSplitSources>>, opts: IdxReadOptions = {}): Promise<ImageDataset> {
  const entries = (['train', 'test'] as const).flatMap((split) => {
    const s = splits[split];
    return s ? [{ split, kind: 'images' as const, source: s.images }, { split, kind: 'labels' as const, source: s.labels }] : [];
  });
  const opened = await Promise.all(entries.map((e) => openSource(e.source, `${e.split}-${e.kind}`)));
  const progress = ProgressTracker.forSizes(opened.map((o) => o.size), opts.onProgress);
  const parsed: IdxArray[] = [];
  for (const [i, o] of opened.entries()) {
    const { stream } = await gunzipIfNeeded(progress.track(o), o.name);
    parsed.push(parseIdx(await readAllBytes(stream, o.name), o.name, entries[i].kind === 'images' ? IDX_IMAGES_MAGIC : IDX_LABELS_MAGIC));
  }
  const splitSet = (split: Split): ImageSet => {
    const at = entries.findIndex((e) => e.split === split);
    return at < 0 ? emptyImageSet(1, 28, 28) : idxImageSet(parsed[at], parsed[at + 1], opened[at].name, opened[at + 1].name);
  };
  return { train: splitSet('train'), test: splitSet('test'), classNames: opts.classNames ?? [...FASHION_MNIST_CLASSES] };
}
