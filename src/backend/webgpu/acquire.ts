// Adapter and device acquisition: the adapter's own limits are asked for (WebGPU's defaults
// are far below what real GPUs offer), and optional features only where the adapter has them.
import type { DeviceOptions } from './device.js';

export interface Acquired {
  device: GPUDevice;
  info: GPUAdapterInfo | undefined;
  isFallback: boolean;
  /** objects that must stay referenced while the device lives (see WebGPUDevice) */
  keepAlive: unknown[];
}

export async function acquireDevice(opts: DeviceOptions): Promise<Acquired> {
  const gpu = opts.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) {
    throw new Error('webgrad: no WebGPU adapter found (navigator.gpu is missing; in Node pass { gpu: create([]) } from the `webgpu` package, or use the CPU backend)');
  }
  const adapter = await gpu.requestAdapter(opts.powerPreference ? { powerPreference: opts.powerPreference } : undefined);
  if (!adapter) {
    throw new Error('webgrad: no WebGPU adapter found (requestAdapter returned null; on a machine without a GPU use SwiftShader, e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json in Node, or use the CPU backend)');
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of [
    'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize',
    'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage',
    'maxComputeWorkgroupSizeX', 'maxComputeWorkgroupSizeY',
  ] as const) {
    const v = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof v === 'number') requiredLimits[name] = v;
  }
  // timestamps only serve kernel profiling (startProfile); asked for where the adapter has them
  const requiredFeatures: GPUFeatureName[] = adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  if (adapter.features.has('shader-f16')) requiredFeatures.push('shader-f16'); // float16 tensors, where the adapter has them
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const info = adapter.info as GPUAdapterInfo | undefined;
  const isFallback = !!(adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return { device, info, isFallback, keepAlive: [gpu, adapter] };
}
