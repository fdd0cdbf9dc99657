// Every float16 shader variant compiles without messages on a WebGPU implementation with
// `shader-f16`. SwiftShader (the Node and Chromium test adapter) has no shader-f16, so the
// shared compile-everything test (test/backend/webgpu-device.test.ts) skips these variants
// there; this file compiles them with Dawn's Null backend (Tint, no GPU work), which reports
// shader-f16, or with navigator.gpu where that has it (Deno on lavapipe: naga). Node project only.
import { expect, it } from 'vitest';
import { defineNames, isF16Define, preprocess } from '../../src/backend/webgpu/preprocess.js';
import { shaders } from '../../src/backend/webgpu/shaders.generated.js';

/** Dawn aborts the process when its GPU instance is collected while a device lives: keep both */
const keepAlive: unknown[] = [];

async function f16Device(): Promise<GPUDevice> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  let adapter = await nav?.gpu?.requestAdapter();
  if (!adapter?.features.has('shader-f16')) {
    const pkg = 'webgpu';
    const webgpu = await import(/* @vite-ignore */ pkg);
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create(['backend=null']) as GPU;
    adapter = await gpu.requestAdapter();
    keepAlive.push(gpu, adapter);
  }
  if (!adapter?.features.has('shader-f16')) throw new Error('no adapter with shader-f16 (Dawn Null backend expected)');
  return adapter.requestDevice({ requiredFeatures: ['shader-f16'] });
}

/** every combination with at least one F16 switch on (all switches when ≤ 10, else pairs plus each F16 switch) */
function* f16Combinations(names: string[]): Generator<Record<string, boolean>> {
  const f16 = names.map((n, i) => (isF16Define(n) ? i : -1)).filter((i) => i >= 0);
  const masks = new Set<number>();
  if (names.length <= 10) for (let m = 0; m < 1 << names.length; m++) masks.add(m);
  else for (let i = 0; i < names.length; i++) for (let j = i; j < names.length; j++) for (const f of f16) masks.add((1 << i) | (1 << j) | (1 << f));
  for (const mask of masks) {
    if (!f16.some((i) => mask & (1 << i))) continue;
    yield Object.fromEntries(names.map((d, i) => [d, (mask & (1 << i)) !== 0]));
  }
}

it('compiles every float16 variant of shaders/*.wgsl without errors or warnings', async () => {
  const device = await f16Device();
  let compiled = 0;
  for (const name of Object.keys(shaders).sort()) {
    const names = defineNames(shaders[name]);
    for (const defines of f16Combinations(names)) {
      const info = await device.createShaderModule({ code: preprocess(shaders[name], defines) }).getCompilationInfo();
      expect(info.messages.map((m) => `${m.type}: ${m.message} (line ${m.lineNum})`), `${name} ${JSON.stringify(defines)}`).toEqual([]);
      compiled++;
    }
  }
  // elementwise, copy, reduce, matmul and im2col have f16 switches
  expect(compiled).toBeGreaterThan(300);
});
