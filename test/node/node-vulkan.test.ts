// Which Vulkan driver initNode() gives Dawn: SwiftShader only where no GPU device node exists
// and nobody chose a driver; a GPU server with Chromium installed keeps its GPU.
import { describe, expect, it } from 'vitest';
import { SWIFTSHADER_ICD, softwareVulkanDriver, type VulkanProbe } from '../../src/node-vulkan.js';

function probe(env: Record<string, string>, files: string[], dri: string[] = []): VulkanProbe {
  return { env, exists: (p) => files.includes(p), list: (d) => (d === '/dev/dri' ? dri : []) };
}

describe('softwareVulkanDriver', () => {
  it('a machine without a GPU, with Chromium: SwiftShader', () => {
    expect(softwareVulkanDriver(probe({}, [SWIFTSHADER_ICD]))).toBe(SWIFTSHADER_ICD);
  });

  it('an NVIDIA or DRM GPU: the loader chooses (the GPU), SwiftShader or not', () => {
    expect(softwareVulkanDriver(probe({}, [SWIFTSHADER_ICD, '/dev/nvidia0']))).toBeNull();
    expect(softwareVulkanDriver(probe({}, [SWIFTSHADER_ICD], ['card0', 'renderD128']))).toBeNull();
    // a display-only card node is not a render node
    expect(softwareVulkanDriver(probe({}, [SWIFTSHADER_ICD], ['card0']))).toBe(SWIFTSHADER_ICD);
  });

  it('a driver the user chose is kept; WEBGRAD_HARDWARE_GPU decides both ways', () => {
    expect(softwareVulkanDriver(probe({ VK_ICD_FILENAMES: '/x.json' }, [SWIFTSHADER_ICD]))).toBeNull();
    expect(softwareVulkanDriver(probe({ VK_DRIVER_FILES: '/nvidia_icd.json' }, [SWIFTSHADER_ICD]))).toBeNull();
    expect(softwareVulkanDriver(probe({ WEBGRAD_HARDWARE_GPU: '1' }, [SWIFTSHADER_ICD]))).toBeNull();
    expect(softwareVulkanDriver(probe({ WEBGRAD_HARDWARE_GPU: '0' }, [SWIFTSHADER_ICD, '/dev/nvidia0']))).toBe(SWIFTSHADER_ICD);
  });

  it("without Chromium's SwiftShader there is nothing to choose", () => {
    expect(softwareVulkanDriver(probe({}, []))).toBeNull();
    expect(softwareVulkanDriver(probe({ WEBGRAD_HARDWARE_GPU: '0' }, []))).toBeNull();
  });
});
