// The bench's training against PyTorch, 50 steps each of `airbench`, `convnetjs`, `mlp` and
// `vgg-bn` (narrow copies, 48 synthetic images, batch 8: bench/cifar/parity.ts), trained by the
// demo's own TrainingSession and compared with golden files that bench/cifar/parity_torch.py
// wrote from webgrad's own initial state, batches and augmentation decisions (no PyTorch needed
// here). The goldens are PyTorch's float64 runs. The float64 CPU reference: all 50 steps of every
// model, losses within 1e-6 relative, every parameter and buffer (batch-norm running statistics
// and counters included) within 1e-6 relative + 1e-7 absolute (the goldens' state is rounded to
// float32). Every device's float32 run: losses within 1e-3 relative, state within 1e-3 relative
// + 1e-3 absolute, over PARITY_FLOAT32_STEPS (airbench 8, convnetjs 15, vgg-bn 15, mlp 50: past
// those, float32 rounding alone moves these small nets apart, see bench/cifar/parity.ts).
// Measured 2026-11-30 on this shared 2-core machine: 141 s in Node (CPU 14 s, Dawn/SwiftShader
// 62 s, float64 63 s), 113 s in Chromium, 72 s in Deno (wgpu on lavapipe).
import { describe, expect, it } from 'vitest';
import { PARITY, PARITY_FLOAT32_STEPS, PARITY_MODELS, parityConfig, parityData, parityDecisions, parityModel, runParity, type ParityModel } from '../../bench/cifar/parity.js';
import { createCpuBackend } from '../../src/backend/cpu/index.js';
import { readSafetensors } from '../../src/io/index.js';
import { devices, expectClose, type Tolerance, useDevice, withTemporaryBackend } from '../helpers.js';

/** the fixture's bytes: node:fs in Node, fetch from Vite's server in the browser */
async function fixture(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:') {
    const { readFile } = await import(/* @vite-ignore */ 'node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(`fixture ${url.pathname}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

// each URL a literal or a one-variable-per-segment template, as Vite rewrites them for the browser
const IMAGES = new URL('../fixtures/parity/images.safetensors', import.meta.url);
const modelFixture = (model: ParityModel, name: 'input' | 'golden'): URL => new URL(`../fixtures/parity/${model}/${name}.safetensors`, import.meta.url);

const regenerate = (model: ParityModel): string =>
  `regenerate the fixtures: npx tsx bench/cifar/parity.ts --model ${model} && /usr/bin/python3 bench/cifar/parity_torch.py --model ${model}`;

/** the largest |got − want| / |want| (0 where want is 0) and |got − want| over the elements */
function worst(got: ArrayLike<number>, want: ArrayLike<number>): { rel: number; abs: number } {
  let rel = 0;
  let abs = 0;
  for (let i = 0; i < want.length; i++) {
    const d = Math.abs(got[i] - want[i]);
    abs = Math.max(abs, d);
    if (want[i] !== 0) rel = Math.max(rel, d / Math.abs(want[i]));
  }
  return { rel, abs };
}

/**
 * Trains `model`'s parity case on the active backend for `steps` of its 50-step run and checks
 * the losses and the state after them against the golden file; logs the worst differences.
 */
async function checkParity(model: ParityModel, steps: number, losses: { rtol: number }, state: Tolerance, label: string): Promise<void> {
  const input = readSafetensors(await fixture(modelFixture(model, 'input'))).tensors;
  const images = readSafetensors(await fixture(IMAGES)).tensors;
  const golden = readSafetensors(await fixture(modelFixture(model, 'golden')));
  const cfg = parityConfig(model);
  const dataset = await parityData(cfg);
  const net = parityModel(cfg, dataset);

  // the fixtures were made from this code's images, initial state and draws: a change to any needs new goldens
  const packed = new Int32Array(dataset.train.images.buffer, dataset.train.images.byteOffset, dataset.train.images.length / 4);
  const stored = await images.images.data();
  expect(stored.length === packed.length && packed.every((w, i) => w === stored[i]), `the synthetic images changed; ${regenerate(model)}`).toBe(true);
  for (const [name, t] of Object.entries(net.stateDict())) {
    expect(input[name], `input.safetensors lacks ${name}; ${regenerate(model)}`).toBeDefined();
    try {
      expectClose(await t.data(), await input[name].data(), { rtol: 0, atol: 1e-6 });
    } catch (e) {
      throw new Error(`initial ${name} differs from the fixture's; ${regenerate(model)}\n${(e as Error).message}`);
    }
  }
  const decisions = await parityDecisions(cfg, dataset.train);
  expect(Array.from(await input['data.indices'].data()), `the loader's batches changed; ${regenerate(model)}`).toEqual(decisions.flatMap((d) => Array.from(d.indices)));
  expect(Array.from(await input['data.params'].data()), `the loader's augmentation draws changed; ${regenerate(model)}`).toEqual(decisions.flatMap((d) => Array.from(d.params)));

  const got = await runParity(cfg, dataset, net, steps);
  const want = (JSON.parse(golden.metadata.losses) as number[]).slice(0, steps);
  expect(got.length).toBe(steps);
  const firstOff = got.findIndex((l, i) => !(Math.abs(l - want[i]) <= losses.rtol * Math.abs(want[i])));
  expect(firstOff, `step ${firstOff + 1}: loss ${got[firstOff]}, PyTorch ${want[firstOff]}`).toBe(-1);
  const lossWorst = worst(got, want);

  const prefix = steps < PARITY.steps ? `step${steps}/` : '';
  const reference = Object.fromEntries(Object.entries(golden.tensors).filter(([k]) => k.startsWith(prefix) && !(prefix === '' && k.includes('/'))).map(([k, t]) => [k.slice(prefix.length), t]));
  const named = Object.entries(net.stateDict());
  expect(named.map(([name]) => name).sort()).toEqual(Object.keys(reference).sort());
  const stateWorst = { rel: 0, abs: 0 };
  for (const [name, t] of named) {
    const [a, b] = [await t.data(), await reference[name].data()];
    const w = worst(a, b);
    stateWorst.rel = Math.max(stateWorst.rel, w.rel);
    stateWorst.abs = Math.max(stateWorst.abs, w.abs);
    try {
      expectClose(a, b, state);
    } catch (e) {
      throw new Error(`${name} after step ${steps}: ${(e as Error).message}`);
    }
  }
  console.log(`parity ${model} on ${label}, ${steps} steps: losses ≤ ${lossWorst.rel.toExponential(1)} relative; ` +
    `state ≤ ${stateWorst.abs.toExponential(1)} absolute, ≤ ${stateWorst.rel.toExponential(1)} relative`);
  net.dispose();
}

describe.each(devices)('training parity with PyTorch on %s', (device) => {
  useDevice(device);

  it.each(PARITY_MODELS)('%s: the float32 steps match PyTorch (losses 1e-3 relative, parameters and buffers 1e-3)', async (model) => {
    await checkParity(model, PARITY_FLOAT32_STEPS[model], { rtol: 1e-3 }, { rtol: 1e-3, atol: 1e-3 }, device);
  }, 600_000);
});

// the float64 reference is the same JavaScript everywhere: run it outside the browsers (Node, Deno) only
const browser = typeof document !== 'undefined';
describe.skipIf(browser)('training parity with PyTorch, float64 CPU reference', () => {
  it.each(PARITY_MODELS)(`%s: all ${PARITY.steps} steps match PyTorch's float64 run (losses 1e-6 relative, state 1e-6 + 1e-7)`, async (model) => {
    await withTemporaryBackend(createCpuBackend({ float64: true }), () =>
      checkParity(model, PARITY.steps, { rtol: 1e-6 }, { rtol: 1e-6, atol: 1e-7 }, 'cpu float64'));
  }, 600_000);
});
