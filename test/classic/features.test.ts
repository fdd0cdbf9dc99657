// colorHistogram and hog on synthetic images with known answers, on both devices.
import { describe, expect, it } from 'vitest';
import { colorHistogram, hog } from '../../src/classic/index.js';
import { tensor } from '../../src/creation.js';
import { Random } from '../../src/random.js';
import { devices, expectClose, useDevice } from '../helpers.js';

/** one [1, 3, h, w] image filled with an RGB colour */
function solid(r: number, g: number, b: number, h = 4, w = 5): Float32Array {
  const plane = h * w;
  const data = new Float32Array(3 * plane);
  data.fill(r, 0, plane).fill(g, plane, 2 * plane).fill(b, 2 * plane);
  return data;
}

/** a grey [1, 1, 16, 16] image, 0 left of column 8 (or above row 8) and 1 beyond */
function step(axis: 'vertical' | 'horizontal'): Float32Array {
  const data = new Float32Array(16 * 16);
  for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) data[y * 16 + x] = (axis === 'vertical' ? x : y) >= 8 ? 1 : 0;
  return data;
}

describe.each(devices)('classic image features on %s', (device) => {
  useDevice(device);

  it('a pure colour fills the bin of its hue (red 0, green 1/3, blue 2/3); grey counts as hue 0', async () => {
    const cases: [number[], number][] = [[[1, 0, 0], 0], [[0, 1, 0], 3], [[0, 0, 1], 6], [[0.5, 0.5, 0.5], 0], [[1, 1, 0], 1]];
    for (const [[r, g, b], bin] of cases) {
      const hist = await colorHistogram(tensor(solid(r, g, b), [1, 3, 4, 5]), { bins: 10 }).data();
      const want = new Float32Array(10);
      want[bin] = 1;
      expectClose(hist, want);
    }
  });

  it('each histogram row is a fraction of the pixels (sums to 1)', async () => {
    const images = tensor(new Random(3).uniform(4 * 3 * 6 * 7, 0, 1), [4, 3, 6, 7]);
    const hist = await colorHistogram(images, { bins: 12 }).data();
    for (let n = 0; n < 4; n++) expect(Array.from(hist.subarray(n * 12, (n + 1) * 12)).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('a vertical edge puts its HoG mass in the 0° bin, a horizontal edge in the 90° bin', async () => {
    for (const [axis, bin] of [['vertical', 0], ['horizontal', 4]] as const) {
      // cell 16 = the whole image: one cell, 9 bins; the edge is one line of 16 unit gradients
      const h = await hog(tensor(step(axis), [1, 1, 16, 16]), { cellSize: 16, bins: 9 }).data();
      const want = new Float32Array(9);
      want[bin] = 16 / 256;
      expectClose(h, want);
    }
  });

  it('hog: RGB is converted to grey (0.299, 0.587, 0.114) and features are laid out [cellY, cellX, bin]', async () => {
    const edge = step('vertical');
    const rgb = new Float32Array(3 * 256);
    rgb.set(edge, 256); // the edge in the green channel only
    const h = await hog(tensor(rgb, [1, 3, 16, 16]), { cellSize: 8, bins: 9 }).data();
    expect(h.length).toBe(2 * 2 * 9);
    // the step is between columns 7 and 8: only the left cells (cellX 0) see it
    const want = new Float32Array(36);
    want[0] = (8 * 0.587) / 64; // cell (0, 0), bin 0
    want[18] = (8 * 0.587) / 64; // cell (1, 0), bin 0
    expectClose(h, want, { rtol: 1e-5, atol: 1e-6 });
  });

  it('features are deterministic for a seed', async () => {
    const images = () => tensor(new Random(42).uniform(2 * 3 * 16 * 16, 0, 1), [2, 3, 16, 16]);
    const [a, b] = [await hog(images()).data(), await hog(images()).data()];
    expect(Array.from(a)).toEqual(Array.from(b));
    const [c, d] = [await colorHistogram(images()).data(), await colorHistogram(images()).data()];
    expect(Array.from(c)).toEqual(Array.from(d));
  });

  it('rejects bad shapes with a clear message', () => {
    expect(() => colorHistogram(tensor(new Float32Array(16), [1, 1, 4, 4]))).toThrow(/RGB images/);
    expect(() => hog(tensor(new Float32Array(16), [4, 4]))).toThrow(/\[N, C, H, W\]/);
  });
});
