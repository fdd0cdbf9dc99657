import { beforeAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import { setBackend } from '../../src/runtime.js';
import '../../src/ops/index.js';
import { augmentBatch, batchTensors, DataLoader, type ImageSet, type UniformSource } from '../../src/data/index.js';

beforeAll(() => {
  setBackend(createCpuBackend());
});

/** count images of C×H×W where every byte of image i is i (mod 256): the label is i too. */
function numberedSet(count: number, channels = 1, height = 2, width = 2): ImageSet {
  const size = channels * height * width;
  return {
    images: Uint8Array.from({ length: count * size }, (_, i) => Math.floor(i / size) & 0xff),
    labels: Uint8Array.from({ length: count }, (_, i) => i),
    count, channels, height, width,
  };
}

/** Returns the given numbers in order, as a fake random stream. */
function scripted(values: number[]): UniformSource {
  let i = 0;
  return { next: () => values[i++] };
}

async function epochLabels(loader: DataLoader): Promise<number[][]> {
  const out: number[][] = [];
  for await (const { y } of loader) out.push(Array.from(await y.data()));
  return out;
}

describe('DataLoader', () => {
  it('makes batches of the right shapes and dtypes, the last one short', async () => {
    const loader = new DataLoader(numberedSet(10, 3, 4, 5), { batchSize: 4 });
    expect(loader.length).toBe(3);
    const shapes: number[][] = [];
    for await (const { x, y } of loader) {
      expect(x.dtype).toBe('float32');
      expect(y.dtype).toBe('int32');
      shapes.push(x.shape, y.shape);
    }
    expect(shapes).toEqual([[4, 3, 4, 5], [4], [4, 3, 4, 5], [4], [2, 3, 4, 5], [2]]);
    expect(await epochLabels(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  });

  it('drops the short last batch with dropLast', async () => {
    const loader = new DataLoader(numberedSet(10), { batchSize: 4, dropLast: true });
    expect(loader.length).toBe(2);
    expect(await epochLabels(loader)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7]]);
  });

  it('shuffles reproducibly: same seed same order, each epoch a new order', async () => {
    const make = (seed: number): DataLoader => new DataLoader(numberedSet(50), { batchSize: 16, shuffle: true, seed });
    const a = make(7);
    const b = make(7);
    const a1 = await epochLabels(a);
    expect(await epochLabels(b)).toEqual(a1);
    expect(a1.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a1.flat()).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const a2 = await epochLabels(a);
    expect(a2).not.toEqual(a1);
    expect(await epochLabels(b)).toEqual(a2);
    expect((await epochLabels(make(8))).flat()).not.toEqual(a1.flat());
  });

  it('x matches the labels (gather keeps images and labels together)', async () => {
    for await (const { x, y } of new DataLoader(numberedSet(20), { batchSize: 8, shuffle: true, seed: 3 })) {
      const pixels = await x.data();
      const labels = await y.data();
      labels.forEach((label, i) => expect(pixels[i * 4] * 255).toBeCloseTo(label, 3));
    }
  });

  it('normalises per channel: (pixel/255 - mean) / std', async () => {
    const set: ImageSet = { images: Uint8Array.from([0, 255, 51, 102]), labels: Uint8Array.from([1]), count: 1, channels: 2, height: 1, width: 2 };
    const loader = new DataLoader(set, { batchSize: 1, normalize: { mean: [0.5, 0.2], std: [0.25, 0.5] } });
    for await (const { x } of loader) {
      const v = Array.from(await x.data());
      [(0 - 0.5) / 0.25, (1 - 0.5) / 0.25, (0.2 - 0.2) / 0.5, (0.4 - 0.2) / 0.5].forEach((want, i) => expect(v[i]).toBeCloseTo(want, 6));
    }
    expect(() => augmentBatch(set.images, { batch: 1, channels: 2, height: 1, width: 2 }, { normalize: { mean: [0, 0, 0], std: [1] } }))
      .toThrow(/normalize.mean has 3 values but the images have 2 channels/);
  });

  it('batchTensors gives the whole set as normalised tensors', async () => {
    const { x, y } = batchTensors(numberedSet(3), { normalize: { mean: [0], std: [1 / 255] } });
    expect(x.shape).toEqual([3, 1, 2, 2]);
    expect(Array.from(await x.data())).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
    expect(Array.from(await y.data())).toEqual([0, 1, 2]);
    x.dispose();
    y.dispose();
  });

  it('disposes the previous batch when the next is requested (autoDispose), not with autoDispose: false', async () => {
    const seen: { x: { isDisposed: boolean } }[] = [];
    for await (const batch of new DataLoader(numberedSet(6), { batchSize: 2 })) {
      for (const earlier of seen) expect(earlier.x.isDisposed).toBe(true);
      expect(batch.x.isDisposed).toBe(false);
      seen.push(batch);
    }
    expect(seen.every((b) => b.x.isDisposed)).toBe(true);
    const kept: { x: { isDisposed: boolean; dispose(): void } }[] = [];
    for await (const batch of new DataLoader(numberedSet(6), { batchSize: 2, autoDispose: false })) kept.push(batch);
    expect(kept.some((b) => b.x.isDisposed)).toBe(false);
  });
});

describe('augmentBatch', () => {
  // one 1-channel 3×3 image with pixels 1..9 (×10 so the /255 scale is visible)
  const image = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90]);
  const layout = { batch: 1, channels: 1, height: 3, width: 3 };
  const asBytes = (out: Float32Array): number[] => Array.from(out, (v) => Math.round(v * 255));

  it('flips left-right when the draw is below 1/2', () => {
    expect(asBytes(augmentBatch(image, layout, { augment: { flip: true }, random: scripted([0.2]) }))).toEqual([30, 20, 10, 60, 50, 40, 90, 80, 70]);
    expect(asBytes(augmentBatch(image, layout, { augment: { flip: true }, random: scripted([0.7]) }))).toEqual(Array.from(image));
  });

  it('crops a window of the zero-padded image', () => {
    // padding 1: offsets are floor(u * 3) - 1; u = 0 → shift by -1 (window moves up/left, zeros enter top/left)
    expect(asBytes(augmentBatch(image, layout, { augment: { crop: { padding: 1 } }, random: scripted([0, 0]) }))).toEqual([0, 0, 0, 0, 10, 20, 0, 40, 50]);
    // u = 0.99 → +1 rows, 0.5 → 0 columns
    expect(asBytes(augmentBatch(image, layout, { augment: { crop: { padding: 1 } }, random: scripted([0.99, 0.5]) }))).toEqual([40, 50, 60, 70, 80, 90, 0, 0, 0]);
  });

  it('crops then flips, and padding is 0 before normalisation', () => {
    const out = augmentBatch(image, layout, {
      augment: { crop: { padding: 1 }, flip: true }, random: scripted([0.5, 0.99, 0.1]), normalize: { mean: [0.5], std: [0.5] },
    });
    // crop shifts columns by +1: rows [20,30,0] [50,60,0] [80,90,0]; the flip mirrors them
    const bytes = [0, 30, 20, 0, 60, 50, 0, 90, 80];
    Array.from(out).forEach((v, i) => expect(v).toBeCloseTo((bytes[i] / 255 - 0.5) / 0.5, 6));
  });

  it('keeps augmentation reproducible inside a seeded loader', async () => {
    const set = numberedSet(8, 1, 4, 4);
    const run = async (): Promise<number[]> => {
      const values: number[] = [];
      for await (const { x } of new DataLoader(set, { batchSize: 4, shuffle: true, seed: 11, augment: { flip: true, crop: { padding: 2 } } }))
        values.push(...(await x.data()));
      return values;
    };
    expect(await run()).toEqual(await run());
  });
});
