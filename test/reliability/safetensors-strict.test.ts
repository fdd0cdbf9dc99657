// Row 2 of issue 14: a safetensors file whose header length, offsets and size disagree
// (junk appended, a header length 4 bytes short over ≥ 4 padding spaces, a gap) loads
// nothing and names the problem; a model loading it stays as it was.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { readSafetensors, toSafetensors } from '../../src/io/index.js';
import { Linear } from '../../src/nn/index.js';
import { getBackend } from '../../src/runtime.js';
import { devices, useDevice } from '../helpers.js';

function withHeaderLength(bytes: Uint8Array, n: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  return out;
}

/** A valid file whose JSON header ends in at least 4 padding spaces. */
async function paddedFile(): Promise<{ bytes: Uint8Array; headerLen: number }> {
  const w = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  for (let extra = 0; extra < 8; extra++) {
    const bytes = await toSafetensors({ w }, { note: 'x'.repeat(extra) });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const json = new TextDecoder().decode(bytes.subarray(8, 8 + headerLen));
    if (json.length - json.trimEnd().length >= 4) {
      w.dispose();
      return { bytes, headerLen };
    }
  }
  throw new Error('no metadata length gave ≥ 4 padding spaces');
}

function rawFile(header: object, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + dataBytes);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  return out;
}

describe.each(devices)('strict safetensors on %s', (device) => {
  useDevice(device);

  /** readSafetensors must throw `re` and leave no storage behind; a model loading it is unchanged */
  async function expectRejected(bytes: Uint8Array, re: RegExp): Promise<void> {
    const model = new Linear(3, 2, { seed: 3 });
    const before = Array.from(await model.weight.data());
    const live = getBackend().stats().liveStorages;
    expect(() => model.loadStateDict(readSafetensors(bytes).tensors)).toThrow(re);
    expect(getBackend().stats().liveStorages, 'storages created by a rejected load').toBe(live);
    expect(Array.from(await model.weight.data())).toEqual(before);
    model.dispose();
  }

  it('junk appended after the data: an error naming the trailing bytes, nothing loaded', async () => {
    const { bytes } = await paddedFile();
    const junk = new Uint8Array(bytes.length + 3);
    junk.set(bytes);
    await expectRejected(junk, /data section holds 27 bytes but the tensors cover 24: 3 trailing bytes/);
  });

  it('a header length 4 bytes short (over padding spaces): an error, not every tensor shifted by 4 bytes', async () => {
    const { bytes, headerLen } = await paddedFile();
    // the JSON still parses (only spaces were cut off), so only the layout check can catch it
    await expectRejected(withHeaderLength(bytes, headerLen - 4), new RegExp(`4 trailing bytes \\(the header length ${headerLen - 4} is wrong`));
  });

  it('a gap between tensors, and data not starting at 0: errors naming the tensor', async () => {
    await expectRejected(
      rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, 12),
      /a gap of 4 bytes in the data before tensor 'b' \[8,12\] after 'a' \[0,4\]/,
    );
    await expectRejected(rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, 8), /a gap of 4 bytes in the data before tensor 'a'/);
  });

  it('an exact file (empty tensors included) still loads', async () => {
    const bytes = rawFile({ e: { dtype: 'F32', shape: [0], data_offsets: [0, 0] }, a: { dtype: 'I32', shape: [2], data_offsets: [0, 8] } }, 8);
    const { tensors } = readSafetensors(bytes);
    expect(Array.from(await tensors.a.data())).toEqual([0, 0]);
    for (const t of Object.values(tensors)) t.dispose();
  });
});
