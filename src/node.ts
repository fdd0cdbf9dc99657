// webgrad/node: WebGPU in Node.js through Dawn (the `webgpu` npm package).
import { init, type InitOptions } from './init.js';
import type { Backend } from './backend/types.js';

/** Where Debian's Chromium keeps SwiftShader's Vulkan driver (a software WebGPU adapter). */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * init() with Dawn's GPU object. On a machine with no Vulkan GPU, set
 * VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (done here when that file
 * exists and nothing is set) for SwiftShader.
 */
export async function initNode(opts: Omit<InitOptions, 'gpu'> & { dawnFlags?: string[] } = {}): Promise<Backend> {
  if (opts.backend === 'cpu') return init(opts);
  // Deno has WebGPU built in (wgpu): Dawn's addon and its flags do not apply there
  const denoGpu = denoNavigatorGpu();
  if (denoGpu) {
    if (opts.dawnFlags?.length) console.warn(`webgrad: initNode() under Deno uses its built-in WebGPU (wgpu); dawnFlags ${opts.dawnFlags.join(' ')} are ignored`);
    return init({ ...opts, gpu: denoGpu });
  }
  const { existsSync } = await import('node:fs');
  if (!process.env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
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
export { saveSafetensors, loadSafetensors, saveOptimizerCheckpoint, loadOptimizerCheckpoint } from './io/node-fs.js';
export { writeFileAtomic, writeFileAtomicSync } from './io/atomic-write.js';
