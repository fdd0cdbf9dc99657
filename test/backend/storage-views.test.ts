// Storage views (`backend.view`) and whole-storage copies (`backend.copy`) on every backend:
// writes through a view land in the base, the memory lives until the base and all views are
// freed (in either order), offsets off the 64-element alignment and out-of-range views are
// refused with a clear error.
import { describe, expect, it } from 'vitest';
import { devices, useDevice } from '../helpers.js';

describe.each(devices)('storage views on %s', (device) => {
  const { backend } = useDevice(device);

  it('a view aliases its range of the base; copy writes through it', async () => {
    const be = backend();
    const base = be.upload(Float32Array.from({ length: 200 }, (_, i) => i));
    const view = be.view(base, 64, 70);
    expect(Array.from(await be.read(view)).slice(0, 3)).toEqual([64, 65, 66]);
    const src = be.upload(Float32Array.from({ length: 70 }, (_, i) => -i - 1));
    be.copy(src, view);
    const all = await be.read(base);
    expect(all[63]).toBe(63);
    expect(Array.from(all.slice(64, 67))).toEqual([-1, -2, -3]);
    expect(all[133]).toBe(-70);
    expect(all[134]).toBe(134);
    be.fill(view, 5); // a kernel writing a view
    const again = await be.read(base);
    expect([again[63], again[64], again[133], again[134]]).toEqual([63, 5, 5, 134]);
    for (const s of [src, view, base]) be.free(s);
  });

  it('memory is released when the base and every view are freed, in either order', async () => {
    const be = backend();
    await be.flush();
    const before = be.stats();
    const base = be.alloc(256, 'float32');
    const a = be.view(base, 0, 10);
    const b = be.view(base, 128, 128);
    be.free(base); // the views keep the memory
    be.fill(b, 3);
    expect(Array.from(await be.read(b)).slice(0, 2)).toEqual([3, 3]);
    be.free(a);
    be.free(a); // idempotent
    expect(be.stats().liveBytes).toBeGreaterThan(before.liveBytes);
    be.free(b);
    expect(be.stats().liveBytes).toBe(before.liveBytes);
    expect(be.stats().liveStorages).toBe(before.liveStorages);
  });

  it('refuses unaligned, out-of-range views and mismatched copies', () => {
    const be = backend();
    const base = be.alloc(256, 'float32');
    expect(() => be.view(base, 1, 4)).toThrow(/multiple of 64 elements/);
    expect(() => be.view(base, 192, 100)).toThrow(/outside a storage of 256/);
    const small = be.alloc(3, 'float32');
    expect(() => be.copy(small, base)).toThrow(/copy of a float32 storage of 3 into a float32 storage of 256/);
    for (const s of [small, base]) be.free(s);
  });
});
