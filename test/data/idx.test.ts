import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  FASHION_MNIST_CLASSES, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, loadFashionMnist, parseIdx, readIdxDataset,
} from '../../src/data/node.js';
import { gzip, idxBytes } from './fixtures.js';

const pixels = Uint8Array.from({ length: 3 * 28 * 28 }, (_, i) => (i * 13) & 0xff);
const images = idxBytes(IDX_IMAGES_MAGIC, [3, 28, 28], pixels);
const labels = idxBytes(IDX_LABELS_MAGIC, [3], Uint8Array.from([9, 0, 4]));

describe('IDX parsing', () => {
  it('reads images and labels, plain or gzip', async () => {
    const data = await readIdxDataset({ test: { images: { name: 't10k-images', data: gzip(images) }, labels: { name: 't10k-labels', data: labels } } });
    expect(data.test).toMatchObject({ count: 3, channels: 1, height: 28, width: 28 });
    expect(Array.from(data.test.labels)).toEqual([9, 0, 4]);
    expect(data.test.images).toEqual(pixels);
    expect(data.train.count).toBe(0);
    expect(data.classNames).toEqual(FASHION_MNIST_CLASSES);
  });

  it('rejects a bad magic number, naming the file', () => {
    expect(() => parseIdx(labels, 'train-images-idx3-ubyte', IDX_IMAGES_MAGIC))
      .toThrow('train-images-idx3-ubyte: bad IDX magic number 0x00000801 at byte offset 0, expected 0x00000803');
  });

  it('rejects truncated data with the offsets', () => {
    expect(() => parseIdx(images.subarray(0, 1000), 'imgs', IDX_IMAGES_MAGIC))
      .toThrow('imgs: truncated IDX data: the header promises 2352 bytes ([3, 28, 28]) from byte offset 16, but the file ends at byte offset 1000');
  });

  it('rejects a count mismatch between images and labels', async () => {
    const twoLabels = idxBytes(IDX_LABELS_MAGIC, [2], Uint8Array.from([1, 2]));
    await expect(readIdxDataset({ train: { images: { name: 'imgs', data: images }, labels: { name: 'lbls', data: twoLabels } } }))
      .rejects.toThrow('count mismatch: imgs has 3 images but lbls has 2 labels');
  });
});

const debianDir = '/usr/share/datasets/fashion-mnist';
const haveFashion = existsSync(`${debianDir}/t10k-images-idx3-ubyte.gz`);
if (!haveFashion) {
  if (process.env.CI) throw new Error(`webgrad: the Fashion-MNIST test needs ${debianDir} (apt-get install dataset-fashion-mnist)`);
  console.warn(`webgrad: no Fashion-MNIST at ${debianDir}: the real-data test is skipped`);
}

describe.skipIf(!haveFashion)('Fashion-MNIST real test set', () => {
  it('has 10,000 28x28 images, 1000 per class', async () => {
    const data = await loadFashionMnist({ dir: debianDir, splits: ['test'] });
    expect(data.test).toMatchObject({ count: 10_000, channels: 1, height: 28, width: 28 });
    expect(data.test.images.length).toBe(10_000 * 784);
    const perClass = new Array(10).fill(0);
    for (const label of data.test.labels) perClass[label]++;
    expect(perClass).toEqual(new Array(10).fill(1000));
  });
});
