// webgrad/node: WebGPU in Node.js through Dawn (the `webgpu` npm package), and the parts of
// wg.data / wg.io that need Node's file system. Everything in 'webgrad' is re-exported, so
// a Node program imports only this entry point.
/// <reference types="@webgpu/types" preserve="true" />
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { init, type InitOptions } from './init.js';
import type { Backend } from './backend/types.js';
import { softwareVulkanDriver } from './node-vulkan.js';

/**
 * Dawn's Vulkan loader prints "error: XDG_RUNTIME_DIR is invalid or not set" (twice) when
 * the variable is unset, as on servers and in containers: point it at a private folder.
 */
function ensureRuntimeDir(): void {
  if (process.env.XDG_RUNTIME_DIR) return;
  const dir = join(tmpdir(), `webgrad-runtime-${process.getuid?.() ?? 'user'}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    process.env.XDG_RUNTIME_DIR = dir;
  } catch {
    // only cosmetic: Dawn works without it
  }
}

/**
 * init() with Dawn's GPU object. On a machine with no GPU device node, VK_ICD_FILENAMES is set
 * to /usr/lib/chromium/vk_swiftshader_icd.json when that file exists and no driver was chosen
 * (SwiftShader); WEBGRAD_HARDWARE_GPU=1 or =0 decides instead (see node-vulkan.ts).
 * `fallback: 'cpu'` falls back to the CPU backend when the `webgpu` package or an adapter is
 * missing.
 */
export async function initNode(opts: Omit<InitOptions, 'gpu'> & { dawnFlags?: string[] } = {}): Promise<Backend> {
  if (opts.backend === 'cpu') return init(opts);
  // Deno has WebGPU built in (wgpu): Dawn's addon and its flags do not apply there
  const denoGpu = denoNavigatorGpu();
  if (denoGpu) {
    if (opts.dawnFlags?.length) console.warn(`webgrad: initNode() under Deno uses its built-in WebGPU (wgpu); dawnFlags ${opts.dawnFlags.join(' ')} are ignored`);
    return init({ ...opts, gpu: denoGpu });
  }
  const software = softwareVulkanDriver();
  if (software) process.env.VK_ICD_FILENAMES = software;
  ensureRuntimeDir();
  let gpu: GPU;
  try {
    const webgpu = await import('webgpu');
    Object.assign(globalThis, webgpu.globals);
    gpu = webgpu.create(opts.dawnFlags ?? []) as GPU;
  } catch (e) {
    const err = new Error(`webgrad: could not load the 'webgpu' package (Dawn for Node): ${(e as Error).message}. npm install webgpu`);
    if (opts.fallback === 'cpu') {
      console.warn(`${err.message}\nwebgrad: falling back to the CPU backend.`);
      return init({ ...opts, backend: 'cpu' });
    }
    throw err;
  }
  return init({ ...opts, gpu });
}

function denoNavigatorGpu(): GPU | undefined {
  const g = globalThis as { Deno?: unknown; navigator?: { gpu?: GPU } };
  return g.Deno !== undefined ? g.navigator?.gpu : undefined;
}

export * from './index.js';
// these shadow the browser-safe namespaces of the same name that `export *` would bring
export * as data from './data/node.js';
export * as io from './io/node.js';
export { saveSafetensors, loadSafetensors, saveOptimizerCheckpoint, loadOptimizerCheckpoint } from './io/node-fs.js';
export { writeFileAtomic, writeFileAtomicSync } from './io/atomic-write.js';
