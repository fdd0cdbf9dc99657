// augmentImages (shaders/augment.wgsl, CPU twin src/backend/cpu/augment.ts): random crop from
// the zero-padded image + horizontal flip + per-channel normalisation in one pass, from uint8
// pixels packed four to a word or from float32. One suite body per device; outputs are
// NaN-poisoned before every run, so an element the kernel leaves unwritten fails.
import { describe, expect, it } from 'vitest';
import { augmentPixels } from '../../src/backend/augment-math.js';
import type { AugmentArgs } from '../../src/backend/types.js';
import { augmentArgs, augmentBatch, augmentImagesTensor, drawAugmentParams, packBytes } from '../../src/data/augment.js';
import { DataLoader } from '../../src/data/loader.js';
import { Random } from '../../src/random.js';
import { devices, ELEMENTWISE, expectClose, useDevice } from '../helpers.js';
import { freshSeed } from '../seeds.js';


function geometry(batch: number, channels: number, height: number, width: number, scale?: number[], offset?: number[]): AugmentArgs {
  return { batch, channels, height, width, scale: scale ?? new Array<number>(channels).fill(1), offset: offset ?? new Array<number>(channels).fill(0) };
}

/** the float64 reference: the twin's loop into a Float64Array */
function expected(pixels: Uint8Array | Float32Array, params: ArrayLike<number>, args: AugmentArgs): Float64Array {
  const out = new Float64Array(pixels.length);
  augmentPixels((i) => pixels[i], params, args, out);
  return out;
}

describe.each(devices)('augmentImages on %s', (device) => {
  const { backend } = useDevice(device);

  /** runs the kernel on the active backend with a NaN-poisoned output; uint8 input is uploaded packed */
  async function run(pixels: Uint8Array | Float32Array, params: ArrayLike<number>, args: AugmentArgs): Promise<Float32Array | Float64Array> {
    const be = backend();
    const images = be.upload(pixels instanceof Float32Array ? pixels : packBytes(pixels));
    const p = be.upload(Int32Array.from(params));
    const out = be.alloc(pixels.length, 'float32');
    be.fill(out, Number.NaN);
    be.augmentImages(images, p, out, args);
    const data = (await be.read(out)) as Float32Array;
    for (const s of [images, p, out]) be.free(s);
    return data;
  }

  it('copies the image when dy = dx = 0 and no flip (a 5-byte image: the last word is partly padding)', async () => {
    const pixels = Uint8Array.from([0, 1, 128, 254, 255]);
    expect(Array.from(await run(pixels, [0, 0, 0], geometry(1, 1, 1, 5)))).toEqual([0, 1, 128, 254, 255]);
  });

  it('mirrors a ramp left–right', async () => {
    const ramp = Uint8Array.from({ length: 2 * 3 * 7 }, (_, i) => i % 7 + 10 * Math.floor(i / 7));
    const got = Array.from(await run(ramp, [0, 0, 1], geometry(1, 2, 3, 7)));
    const want = Array.from({ length: 42 }, (_, i) => 6 - (i % 7) + 10 * Math.floor(i / 7));
    expect(got).toEqual(want);
  });

  it('shifts by the crop offset, with zeros entering from the padding (then the affine map)', async () => {
    // 1 channel, 3×4, pixels 1..12
    const img = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
    // dy = 1, dx = -2: output (y, x) reads (y + 1, x - 2)
    expect(Array.from(await run(img, [1, -2, 0], geometry(1, 1, 3, 4)))).toEqual([0, 0, 5, 6, 0, 0, 9, 10, 0, 0, 0, 0]);
    // crop then flip: the flipped column index is shifted: x' = 3 - x, then + dx (= 1)
    expect(Array.from(await run(img, [0, 1, 1], geometry(1, 1, 3, 4)))).toEqual([0, 4, 3, 2, 0, 8, 7, 6, 0, 12, 11, 10]);
    // a window entirely in the padding gives offset[c] everywhere (0 before normalisation)
    expect(Array.from(await run(img, [-3, 0, 0], geometry(1, 1, 3, 4, [2], [-0.5])))).toEqual(new Array(12).fill(-0.5));
  });

  it('reflect padding mirrors about the edge pixel (PyTorch\'s reflect pad), flipped and shifted', async () => {
    // 1 channel, 3×4, pixels 1..12; dy = 1, dx = -2: rows 1, 2, then row 3 → 1; columns -2 → 2, -1 → 1
    const img = Uint8Array.from({ length: 12 }, (_, i) => i + 1);
    const args = { ...geometry(1, 1, 3, 4), reflect: true };
    expect(Array.from(await run(img, [1, -2, 0], args))).toEqual([7, 6, 5, 6, 11, 10, 9, 10, 7, 6, 5, 6]);
    // flip then dx = 1: x' = 3 - x + 1 = 4 - x; column 4 reflects to 2
    expect(Array.from(await run(img, [0, 1, 1], args))).toEqual([3, 4, 3, 2, 7, 8, 7, 6, 11, 12, 11, 10]);
    // random shifts within ±2 on a 5×6 image against the twin (float64)
    const pixels = Uint8Array.from(new Random(freshSeed()).uniform(2 * 3 * 5 * 6, 0, 256), Math.floor);
    const params = [-2, 2, 1, 2, -1, 0];
    const big = { ...geometry(2, 3, 5, 6, [0.5, 1, 2], [-1, 0, 1]), reflect: true };
    expectClose(await run(pixels, params, big), expected(pixels, params, big), ELEMENTWISE);
  });

  it('applies per-channel scale and offset, each image its own params', async () => {
    const pixels = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80]); // 2 images × 2 channels × 1×2
    const args = geometry(2, 2, 1, 2, [0.5, 2], [1, -1]);
    // image 0 unchanged, image 1 flipped
    expect(Array.from(await run(pixels, [0, 0, 0, 0, 0, 1], args))).toEqual([6, 11, 59, 79, 31, 26, 159, 139]);
  });

  it.each([
    [1, 1, 1, 1, 0],
    [1, 3, 7, 9, 2],
    [7, 3, 5, 5, 4],
    [3, 1, 33, 7, 3],
    [2, 16, 3, 3, 1],
    [5, 3, 32, 32, 4],
  ])('matches the float64 reference on random bytes: [%i, %i, %i, %i], padding %i', async (n, c, h, w, padding) => {
    const rng = new Random(freshSeed());
    const pixels = Uint8Array.from({ length: n * c * h * w }, () => Math.floor(rng.next() * 256));
    const params = drawAugmentParams(n, { flip: true, crop: { padding } }, rng);
    const normalize = { mean: Array.from({ length: c }, () => rng.next()), std: Array.from({ length: c }, () => 0.1 + rng.next()) };
    const args = augmentArgs({ batch: n, channels: c, height: h, width: w }, normalize);
    expectClose(await run(pixels, params, args), expected(pixels, params, args), ELEMENTWISE);
  });

  it('reads float32 input (FLOAT_INPUT), offsets beyond the image included', async () => {
    const rng = new Random(freshSeed());
    const [n, c, h, w] = [3, 2, 7, 5];
    const pixels = rng.uniform(n * c * h * w, -3, 300);
    const params = [0, 0, 1, -2, 3, 0, 8, -6, 1];
    const args = geometry(n, c, h, w, [0.25, -1.5], [0.125, 2]);
    expectClose(await run(pixels, params, args), expected(pixels, params, args), ELEMENTWISE);
  });

  it('rejects bad geometry with a clear error', () => {
    const be = backend();
    const images = be.upload(new Int32Array(4));
    const params = be.upload(new Int32Array(3));
    const out = be.alloc(16, 'float32');
    expect(() => be.augmentImages(images, params, out, geometry(2, 1, 2, 4))).toThrow(/params hold 3 values, need 3 per image \(6\)/);
    expect(() => be.augmentImages(images, params, out, { ...geometry(1, 2, 2, 4), scale: [1] })).toThrow(/scale and offset need 2 values/);
    expect(() => be.augmentImages(images, params, out, geometry(1, 17, 1, 1))).toThrow(/at most 16 channels/);
    for (const s of [images, params, out]) be.free(s);
  });

  it('augmentImagesTensor gives augmentBatch\'s numbers for the same seeded stream', async () => {
    const rng = new Random(freshSeed());
    const layout = { batch: 4, channels: 3, height: 9, width: 11 };
    const pixels = Uint8Array.from({ length: 4 * 3 * 9 * 11 }, () => Math.floor(rng.next() * 256));
    const opts = { normalize: { mean: [0.49, 0.48, 0.45], std: [0.25, 0.24, 0.26] }, augment: { flip: true, crop: { padding: 3 } } };
    const host = augmentBatch(pixels, layout, { ...opts, random: new Random(5) });
    const t = augmentImagesTensor(pixels, layout, { ...opts, random: new Random(5) });
    expect(t.shape).toEqual([4, 3, 9, 11]);
    const got = await t.data();
    t.dispose();
    if (device === 'cpu') expect(Array.from(got)).toEqual(Array.from(host));
    else expectClose(got, host, ELEMENTWISE);
  });

  it('a seeded DataLoader augments on the device with the host transform\'s numbers, batch by batch', async () => {
    const rng = new Random(freshSeed());
    const set = { images: Uint8Array.from({ length: 10 * 3 * 6 * 5 }, () => Math.floor(rng.next() * 256)), labels: new Uint8Array(10), count: 10, channels: 3, height: 6, width: 5 };
    const opts = { batchSize: 4, shuffle: true, seed: 21, normalize: { mean: [0.5], std: [0.25] }, augment: { flip: true, crop: { padding: 2 } } };
    const batches = async (loader: DataLoader): Promise<Float32Array[]> => {
      const out: Float32Array[] = [];
      for await (const { x } of loader) out.push((await x.data()) as Float32Array);
      return out;
    };
    const onDevice = await batches(new DataLoader(set, opts));
    const onHost = await batches(new DataLoader(set, { ...opts, transform: augmentBatch }));
    expect(onDevice.map((b) => b.length)).toEqual([90 * 4, 90 * 4, 90 * 2]);
    onDevice.forEach((b, i) => expectClose(b, onHost[i], ELEMENTWISE));
    expect(await batches(new DataLoader(set, opts))).toEqual(onDevice);
  });
});
