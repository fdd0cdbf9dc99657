// wg.init(): picks and installs the backend.
import { createCpuBackend } from './backend/cpu/index.js';
import type { Backend, BackendStats } from './backend/types.js';
import {
  createWebGPUBackend, getMatmulTuning, matmulTuningSettled, type MatmulTuningOptions, type MatmulTuningTable, type WebGPUBackend,
} from './backend/webgpu/index.js';
import type { KernelTiming } from './backend/webgpu/profiler.js';
import { getBackend, hasBackend, setBackend } from './runtime.js';

export interface InitOptions {
  /** 'webgpu' (default) or 'cpu' (the reference path) */
  backend?: 'webgpu' | 'cpu';
  /** a GPU object: navigator.gpu in browsers (default), create([]) from 'webgpu' in Node */
  gpu?: GPU;
  /** an already created device to use */
  device?: GPUDevice;
  /** 'cpu': fall back to the CPU backend (with a warning) when WebGPU is unavailable */
  fallback?: 'cpu';
  powerPreference?: GPUPowerPreference;
  /** WebGPU matmul autotuning: on/off, a saved table, per-class overrides */
  matmulTuning?: MatmulTuningOptions;
}

/** the newest init() call: overlapping calls resolve to its backend, and the others are destroyed */
let latestInit: { id: number; result: Promise<Backend> } | null = null;
let initCalls = 0;

/**
 * Initialises webgrad and returns the backend in use. Re-initialising replaces the backend.
 * Overlapping calls (two init() or initNode() started before either finished) leave exactly one
 * backend: the last call's; the earlier ones destroy the device they made and resolve to it.
 */
export function init(opts: InitOptions = {}): Promise<Backend> {
  const id = ++initCalls;
  const result = createBackend(opts).then((be) => {
    if (latestInit?.id !== id) {
      // a later init() is under way or done: it wins; this call's device is released
      be.destroy();
      return latestInit!.result;
    }
    if (hasBackend() && getBackend() !== be) getBackend().destroy();
    setBackend(be);
    return be;
  });
  latestInit = { id, result };
  return result;
}

async function createBackend(opts: InitOptions): Promise<Backend> {
  if (hasBackend()) {
    getBackend().destroy();
    setBackend(null);
  }
  if (opts.backend === 'cpu') return createCpuBackend();
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? (navigator as Navigator & { gpu?: GPU }).gpu : undefined);
  try {
    if (!gpu && !opts.device)
      throw new Error(
        'webgrad: WebGPU is not available here (navigator.gpu is undefined). Use a WebGPU browser, ' +
          "initNode() from 'webgrad/node' in Node.js, or wg.init({ fallback: 'cpu' }) / { backend: 'cpu' } for the CPU reference",
      );
    return await createWebGPUBackend({ gpu, device: opts.device, powerPreference: opts.powerPreference, matmulTuning: opts.matmulTuning });
  } catch (e) {
    if (opts.fallback !== 'cpu') throw e;
    console.warn(`${(e as Error).message}\nwebgrad: falling back to the CPU backend (much slower).`);
    return createCpuBackend();
  }
}

export function backend(): Backend {
  return getBackend();
}

/** Counters: dispatches, submits, readbacks, pipelines compiled, live/peak bytes. */
export function stats(): BackendStats {
  return getBackend().stats();
}

export function resetStats(): void {
  getBackend().resetStats();
}

/**
 * Resolves when the backend's background work that can disturb timings is done (the WebGPU
 * matmul tuner's measurements started so far); immediate on the CPU backend.
 */
export async function settled(): Promise<void> {
  const be = getBackend();
  if (be.name === 'webgpu') await matmulTuningSettled(be as WebGPUBackend);
}

/** The WebGPU matmul tuner's table (each shape class's variant and how it was chosen); null on the CPU backend. */
export function matmulTuning(): MatmulTuningTable | null {
  const be = getBackend();
  return be.name === 'webgpu' ? getMatmulTuning(be as WebGPUBackend) : null;
}

/**
 * GPU time per kernel while `fn` runs: each dispatch in its own timestamped pass (WebGPU with the
 * adapter's 'timestamp-query' feature). Profiling changes the batching, so time the step itself
 * without it; this tells where the time goes. Most expensive kernel first.
 */
export async function profileKernels(fn: () => unknown): Promise<KernelTiming[]> {
  const be = getBackend();
  if (be.name !== 'webgpu') throw new Error(`webgrad: profileKernels needs the WebGPU backend (the active one is '${be.name}')`);
  const dev = (be as WebGPUBackend).device;
  await dev.startProfile();
  try {
    await fn();
  } catch (e) {
    await dev.stopProfile().catch(() => undefined);
    throw e;
  }
  return dev.stopProfile();
}

/**
 * Releases the pool's free buffers (WebGPU keeps freed buffers for reuse; wg.stats().pooledBytes):
 * what to try after an out-of-memory error. A no-op on the CPU backend.
 */
export function trimPool(): void {
  const be = getBackend();
  if (be.name === 'webgpu') (be as WebGPUBackend).device.trimPool();
}

/** Submits the work recorded so far (a step boundary); resolves when it is queued. */
export function flush(): Promise<void> {
  return getBackend().flush();
}
