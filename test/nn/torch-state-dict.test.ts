// PyTorch state dicts both ways, strict. The golden files in test/fixtures/torch/ were written by
// test/fixtures/make-torch-golden.py (Debian python3-torch 1.13): each model's state_dict()
// (F32 weights, I64 num_batches_tracked), the MLP's in F64 / F16 / BF16, and inputs with their
// outputs. The same nn.Sequential built in webgrad must load them strictly and agree on the
// outputs; webgrad's saved file must be the file PyTorch wrote, byte for byte.
import { describe, expect, it } from 'vitest';
import { tensor } from '../../src/creation.js';
import { loadStateDict, parseSafetensors, readSafetensors, saveStateDict } from '../../src/io/index.js';
import {
  BatchNorm1d, BatchNorm2d, Conv2d, Flatten, GELU, LayerNorm, LeakyReLU, Linear, MaxPool2d, type Module, ReLU, Sequential, Tanh,
} from '../../src/nn/index.js';
import { tidy } from '../../src/runtime.js';
import type { Tensor } from '../../src/tensor.js';
import { devices, expectClose, useDevice } from '../helpers.js';

/** the fixture's bytes: node:fs in Node, fetch from Vite's server in the browser */
async function fixture(name: string): Promise<Uint8Array> {
  const url = new URL(`../fixtures/torch/${name}`, import.meta.url);
  if (url.protocol === 'file:') {
    const fs = 'node:fs/promises';
    const { readFile } = (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fixture ${name}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** the models of make-torch-golden.py, layer for layer */
const MODELS: Record<string, () => Module> = {
  mlp: () => new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 3)),
  cnn: () => new Sequential(
    new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(), new MaxPool2d(2),
    new Conv2d(4, 5, 3, { stride: 2, padding: 1, bias: false }), new BatchNorm2d(5), new LeakyReLU(0.1),
    new Flatten(), new Linear(5 * 2 * 2, 4)),
  mixed: () => new Sequential(new Linear(5, 6), new BatchNorm1d(6), new GELU(), new LayerNorm(6), new Linear(6, 2), new Tanh()),
};

const host = (io: ReturnType<typeof parseSafetensors>, key: string): number[] => {
  const t = io.tensors[key];
  if (!t) throw new Error(`io.safetensors has no '${key}'`);
  return Array.from(t.data);
};

describe.each(devices)('PyTorch state dicts on %s', (device) => {
  useDevice(device);
  let io: ReturnType<typeof parseSafetensors>;
  const input = (name: string): Tensor => {
    const t = io.tensors[`${name}.input`];
    return tensor(t.data, t.shape);
  };

  it.each(Object.keys(MODELS))('%s: PyTorch\'s file loads strictly and the eval outputs agree (1e-4)', async (name) => {
    io ??= parseSafetensors(await fixture('io.safetensors'));
    const model = MODELS[name]().eval();
    const result = loadStateDict(model, await fixture(`${name}.safetensors`));
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const out = await tidy(() => model.forward(input(name))).data();
    expectClose(out, host(io, `${name}.eval`), { rtol: 1e-4, atol: 1e-4 });
    model.dispose();
  });

  it.each(['cnn', 'mixed'])('%s: a training-mode forward matches PyTorch\'s output and running statistics', async (name) => {
    io ??= parseSafetensors(await fixture('io.safetensors'));
    const model = MODELS[name]();
    loadStateDict(model, await fixture(`${name}.safetensors`));
    const out = await tidy(() => model.forward(input(name))).data();
    expectClose(out, host(io, `${name}.train`), { rtol: 1e-4, atol: 1e-4 });
    const buffers = Object.fromEntries(model.namedBuffers());
    const afterKeys = Object.keys(io.tensors).filter((k) => k.startsWith(`${name}.after.`));
    expect(afterKeys.map((k) => k.slice(name.length + 7)).sort()).toEqual(Object.keys(buffers).sort());
    for (const key of afterKeys) {
      const t = buffers[key.slice(name.length + 7)];
      if (t.dtype === 'int32') expect(Array.from(await t.data())).toEqual(host(io, key)); // 4: three in the file, one here
      else expectClose(await t.data(), host(io, key), { rtol: 1e-4, atol: 1e-5 });
    }
    model.dispose();
  });

  it.each(['f64', 'f16', 'bf16'])('mlp-%s: the converted weights load and give PyTorch\'s outputs', async (tag) => {
    io ??= parseSafetensors(await fixture('io.safetensors'));
    const model = MODELS.mlp();
    expect(loadStateDict(model, await fixture(`mlp-${tag}.safetensors`))).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const out = await tidy(() => model.forward(input('mlp'))).data();
    expectClose(out, host(io, `mlp-${tag}.eval`), { rtol: 1e-4, atol: 1e-4 });
    model.dispose();
  });

  it('webgrad writes the file PyTorch wrote, byte for byte (num_batches_tracked as I64)', async () => {
    for (const name of Object.keys(MODELS)) {
      const torchFile = await fixture(`${name}.safetensors`);
      const model = MODELS[name]();
      loadStateDict(model, torchFile);
      const ours = await saveStateDict(model, { format: 'pt' });
      expect(ours, name).toEqual(torchFile);
      model.dispose();
    }
    const header = parseSafetensors(await fixture('cnn.safetensors')).tensors;
    expect(header['1.num_batches_tracked']).toMatchObject({ fileDtype: 'I64', dtype: 'int32', shape: [] });
  });

  it('names BatchNorm state as PyTorch and counts training batches', async () => {
    const bn = new BatchNorm2d(3);
    expect(Object.keys(bn.stateDict())).toEqual(['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']);
    tidy(() => {
      bn.forward(tensor(new Float32Array(2 * 3 * 2 * 2).map((_, i) => i % 5), [2, 3, 2, 2]));
      bn.forward(tensor(new Float32Array(2 * 3 * 2 * 2).map((_, i) => i % 7), [2, 3, 2, 2]));
      bn.eval().forward(tensor(new Float32Array(2 * 3 * 2 * 2), [2, 3, 2, 2]));
    });
    expect(await bn.numBatchesTracked!.item()).toBe(2); // eval passes do not count
    const untracked = new BatchNorm1d(3, { trackRunningStats: false });
    expect(Object.keys(untracked.stateDict())).toEqual(['weight', 'bias']);
    bn.dispose();
    untracked.dispose();
  });

  it('loads an older webgrad file (runningMean / runningVar, no counter) and reports the renames', async () => {
    const src = MODELS.cnn();
    const bytes = await saveStateDict(src);
    const { tensors } = readSafetensors(bytes);
    const legacy: Record<string, Tensor> = {};
    for (const [k, t] of Object.entries(tensors)) {
      if (k.endsWith('num_batches_tracked')) t.dispose();
      else legacy[k.replace('running_mean', 'runningMean').replace('running_var', 'runningVar')] = t;
    }
    const dst = MODELS.cnn();
    expect(dst.loadStateDict(legacy)).toEqual({
      missingKeys: [], unexpectedKeys: [],
      migratedKeys: ['1.runningMean → 1.running_mean', '1.runningVar → 1.running_var', '5.runningMean → 5.running_mean', '5.runningVar → 5.running_var'],
    });
    expect(Array.from(await dst.stateDict()['5.running_var'].data())).toEqual(Array.from(await src.stateDict()['5.running_var'].data()));
    // a legacy key the model does not have is still an error, naming it
    const bad = { ...legacy, '1.runningMeen': legacy['1.weight'] };
    expect(() => dst.loadStateDict(bad)).toThrow(/unexpected keys: 1\.runningMeen/);
    for (const t of Object.values(legacy)) t.dispose();
    src.dispose();
    dst.dispose();
  });

  it('strict loading names a PyTorch file made for another model', async () => {
    const model = new Sequential(new Linear(6, 8), new ReLU(), new Linear(8, 4));
    expect(() => loadStateDict(model, new Uint8Array(0))).toThrow(/shorter than the 8-byte header/);
    const mlp = await fixture('mlp.safetensors');
    expect(() => loadStateDict(model, mlp)).toThrow(/2\.weight: shape \[3,8\] float32 in the dict, \[4,8\] float32 in the model/);
    model.dispose();
  });
});
