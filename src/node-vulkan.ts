// Which Vulkan driver Dawn in Node should load. Debian's Chromium ships SwiftShader's Vulkan
// driver (a CPU posing as a GPU), the only adapter a machine without a GPU has; Dawn also
// refuses Mesa's lavapipe (too old here). But forcing SwiftShader whenever its file exists
// would put a GPU server that also has Chromium installed on the CPU: so it is chosen only
// where no GPU device node exists and nobody chose a driver.
import { existsSync, readdirSync } from 'node:fs';

/** Where Debian's Chromium keeps SwiftShader's Vulkan driver (a software WebGPU adapter). */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export interface VulkanProbe {
  env: Record<string, string | undefined>;
  exists(path: string): boolean;
  /** entries of a folder, [] when it is missing */
  list(dir: string): string[];
}

const nodeProbe: VulkanProbe = {
  env: process.env,
  exists: existsSync,
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

/** A GPU the kernel exposes: NVIDIA's device nodes, or a DRM render node (AMD, Intel, others). */
export function hasGpuDeviceNode(probe: VulkanProbe = nodeProbe): boolean {
  return probe.exists('/dev/nvidia0') || probe.list('/dev/dri').some((n) => n.startsWith('renderD'));
}

/**
 * The ICD file to put in VK_ICD_FILENAMES, or null to leave the loader's own choice:
 * - a driver already chosen (VK_ICD_FILENAMES or VK_DRIVER_FILES): null;
 * - WEBGRAD_HARDWARE_GPU=1: null (the machine's GPU); =0: SwiftShader;
 * - otherwise SwiftShader where it is installed and no GPU device node exists.
 */
export function softwareVulkanDriver(probe: VulkanProbe = nodeProbe): string | null {
  const { env } = probe;
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES) return null;
  if (!probe.exists(SWIFTSHADER_ICD)) return null;
  if (env.WEBGRAD_HARDWARE_GPU === '1') return null;
  if (env.WEBGRAD_HARDWARE_GPU === '0') return SWIFTSHADER_ICD;
  return hasGpuDeviceNode(probe) ? null : SWIFTSHADER_ICD;
}
