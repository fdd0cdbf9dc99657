// safetensors: round trips through bytes, the checked-in golden file (written by an
// independent Python script, test/fixtures/make-golden-safetensors.py), a file from a minimal
// writer written here from the spec, and corrupt files (clear errors, model untouched).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { fromSafetensors, loadOptimizerState, readSafetensors, saveOptimizerState, toSafetensors } from '../../src/io/index.js';
import { loadSafetensors, saveSafetensors } from '../../src/io/node-fs.js';
import { Linear, ReLU, Sequential } from '../../src/nn/index.js';
import { Adam } from '../../src/optim/index.js';
import { Random } from '../../src/random.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, useDevice } from '../helpers.js';

const GOLDEN = new URL('../fixtures/golden.safetensors', import.meta.url);

const model = (seed: number): Sequential => new Sequential(new Linear(5, 4, { seed }), new ReLU(), new Linear(4, 3, { seed: seed + 1 }));

async function values(dict: Record<string, Tensor>): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const [k, t] of Object.entries(dict)) out[k] = Array.from(await t.data());
  return out;
}

/** The spec, minimally: u64 header length, JSON header (no padding), data (unaligned on purpose). */
function minimalWriter(header: object, data: number[]): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true); // high 32 bits stay 0
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f32Bytes(values: number[]): number[] {
  return Array.from(new Uint8Array(Float32Array.from(values).buffer));
}

const VALID_HEADER = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };

describe.each(devices)('safetensors on %s', (device) => {
  useDevice(device);

  it('a model state dict round-trips through bytes into a fresh model', async () => {
    const src = model(1);
    const bytes = await toSafetensors(src.stateDict(), { epoch: '3' });
    const { tensors, metadata } = readSafetensors(bytes);
    expect(metadata).toEqual({ epoch: '3' });
    const dst = model(7);
    dst.loadStateDict(tensors);
    expect(await values(dst.stateDict())).toEqual(await values(src.stateDict()));
    src.dispose();
    dst.dispose();
  });

  it('reads the golden file and writes it back byte for byte', async () => {
    const golden = new Uint8Array(await readFile(GOLDEN));
    const { tensors, metadata } = readSafetensors(golden);
    expect(metadata).toEqual({ format: 'pt', note: 'golden' });
    expect(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, [t.dtype, t.shape]]))).toEqual({
      '10': ['float32', [1]], empty: ['float32', [0, 4]], 'fc.bias': ['float32', [2]], 'fc.weight': ['float32', [2, 3]], counts: ['int32', [3]],
    });
    const v = await values(tensors);
    expect(v['fc.weight']).toEqual([-1, -0.5, 0, 0.5, 1, 1.5]);
    expect(v['fc.bias']).toEqual([0.25, -0.125]);
    expect(v['10']).toEqual([Math.fround(3e-7)]);
    expect(v.counts).toEqual([-1, 0, 2147483647]);
    expect(v.empty).toEqual([]);
    expect(await toSafetensors(tensors, { note: 'golden', format: 'pt' })).toEqual(golden);
  });

  it('reads a file from a minimal spec writer (no header padding, unaligned data)', async () => {
    const header = {
      b: { dtype: 'I32', shape: [2], data_offsets: [12, 20] },
      a: { dtype: 'F32', shape: [3], data_offsets: [0, 12] },
    };
    const ints = Array.from(new Uint8Array(Int32Array.from([7, -9]).buffer));
    const t = fromSafetensors(minimalWriter(header, [...f32Bytes([1.5, -2, 1e-3]), ...ints]));
    expectClose(await t.a.data(), [1.5, -2, Math.fround(1e-3)]);
    expect(Array.from(await t.b.data())).toEqual([7, -9]);
    expect(t.b.dtype).toBe('int32');
  });

  const corrupt: [string, () => Uint8Array, RegExp][] = [
    ['shorter than 8 bytes', () => new Uint8Array(5), /shorter than the 8-byte header length \(truncated\)/],
    ['header length past the end', () => minimalWriter(VALID_HEADER, f32Bytes([1, 2])).slice(0, 20), /header length \d+ runs past the end/],
    ['an absurd header length', () => { const b = new Uint8Array(16); new DataView(b.buffer).setBigUint64(0, 1n << 60n, true); return b; }, /implausibly large/],
    ['bad JSON', () => { const b = minimalWriter(VALID_HEADER, f32Bytes([1, 2])); b[9] = 0x7b; b[10] = 0x7b; return b; }, /header is not valid JSON/],
    ['a JSON array header', () => minimalWriter([], []), /not a JSON object/],
    ['an unknown dtype', () => minimalWriter({ w: { dtype: 'F8_E5M2', shape: [2], data_offsets: [0, 2] } }, [0, 0]), /tensor 'w' has dtype 'F8_E5M2'; webgrad reads F32, I32, F16/],
    ['offsets past the data (truncated data)', () => minimalWriter(VALID_HEADER, f32Bytes([1])), /data_offsets \[0,8\] run past the 4 data bytes/],
    ['overlapping tensors', () => minimalWriter({ ...VALID_HEADER, v: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32Bytes([1, 2])), /'w' \[0,8\] and 'v' \[4,8\] overlap/],
    ['shape × dtype ≠ offsets', () => minimalWriter({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32Bytes([1, 2])), /shape \[3\] of F32 needs 12 bytes but data_offsets \[0,8\] hold 8/],
    ['reversed offsets', () => minimalWriter({ w: { dtype: 'F32', shape: [0], data_offsets: [8, 0] } }, f32Bytes([1, 2])), /invalid data_offsets/],
    ['a negative dimension', () => minimalWriter({ w: { dtype: 'F32', shape: [-2], data_offsets: [0, 8] } }, f32Bytes([1, 2])), /invalid shape/],
  ];

  it.each(corrupt)('rejects %s with a clear error, leaving the model untouched', async (_name, make, message) => {
    const m = model(3);
    const before = await values(m.stateDict());
    const bytes = make();
    expect(() => m.loadStateDict(fromSafetensors(bytes))).toThrow(message);
    expect(await values(m.stateDict())).toEqual(before);
    m.dispose();
  });

  it('a well-formed file with a mis-shaped tensor is refused by loadStateDict, model untouched', async () => {
    const m = model(3);
    const before = await values(m.stateDict());
    const wrong = await toSafetensors({ ...model(4).stateDict(), '2.weight': tensor(new Float32Array(12), [4, 3]) });
    expect(() => m.loadStateDict(fromSafetensors(wrong))).toThrow(/2\.weight: shape \[4,3\] float32 in the dict, \[3,4\] float32 in the model/);
    expect(await values(m.stateDict())).toEqual(before);
    m.dispose();
  });

  it('optimizer state checkpoints round-trip (state.<index>.<name>, param_groups in metadata)', async () => {
    const p = tensor(new Random(1).uniform(6, -1, 1), [2, 3]).requireGrad();
    const q = tensor(new Random(2).uniform(3, -1, 1), [3]).requireGrad();
    const opt = new Adam([{ params: [p] }, { params: [q], lr: 0.5 }], { lr: 0.01, amsgrad: true });
    p.grad = tensor(new Random(3).uniform(6, -1, 1), [2, 3]);
    opt.step();
    const bytes = await saveOptimizerState(opt);
    const { tensors, metadata } = readSafetensors(bytes);
    expect(Object.keys(tensors).sort()).toEqual(['state.0.expAvg', 'state.0.expAvgSq', 'state.0.maxExpAvgSq']);
    expect(JSON.parse(metadata.param_groups)).toHaveLength(2);
    expect(JSON.parse(metadata.steps)).toEqual({ 0: 1 });
    const fresh = new Adam([{ params: [p] }, { params: [q] }], { lr: 1 });
    loadOptimizerState(fresh, bytes);
    expect(fresh.paramGroups.map((g) => g.lr)).toEqual([0.01, 0.5]);
    const restored = fresh.stateDict().state[0];
    expect(restored.step).toBe(1);
    expect(Array.from(await restored.tensors.expAvg.data())).toEqual(Array.from(await opt.stateDict().state[0].tensors.expAvg.data()));
    const notACheckpoint = await toSafetensors({ x: p });
    expect(() => loadOptimizerState(fresh, notACheckpoint)).toThrow(/metadata format is '\(none\)'/);
    opt.dispose();
    fresh.dispose();
  });
});

describe('safetensors files in Node', () => {
  useDevice('cpu');
  it('saveSafetensors / loadSafetensors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'webgrad-'));
    try {
      const path = join(dir, 'model.safetensors');
      const m = model(5);
      await saveSafetensors(path, m.stateDict());
      const loaded = await loadSafetensors(path);
      expect(await values(loaded)).toEqual(await values(m.stateDict()));
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
