// Adapter naming: the GPUAdapterInfo shapes that Dawn, Deno (wgpu) and Firefox (wgpu) give
// (recorded from real runs), then the live adapter of whatever runtime runs this file.
import { describe, expect, it } from 'vitest';
import { describeAdapter, detectImplementation, isSoftware, vendorName, type AdapterInfoLike } from '../../src/backend/webgpu/adapter.js';
import { backendFor } from '../helpers.js';

// Recorded with adapter.info from each runtime on this kind of machine (CPU Vulkan drivers)
const DAWN_SWIFTSHADER: AdapterInfoLike = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader Device (Subzero)', isFallbackAdapter: false };
const DENO_LAVAPIPE: AdapterInfoLike = { vendor: '65541', architecture: '', device: '0', description: 'llvmpipe (LLVM 15.0.6, 256 bits)', isFallbackAdapter: true };
const DENO_SWIFTSHADER: AdapterInfoLike = { vendor: '6880', architecture: '', device: '49374', description: 'SwiftShader Device (Subzero)', isFallbackAdapter: true };
const FIREFOX_HIDDEN: AdapterInfoLike = { vendor: '', architecture: '', device: '', description: '', isFallbackAdapter: true };

describe('adapter naming (recorded adapter infos)', () => {
  it('keeps the SwiftShader name the tuner tables are keyed by, whoever reports it', () => {
    expect(describeAdapter(DAWN_SWIFTSHADER, false, 'dawn')).toBe('SwiftShader (software adapter)');
    expect(describeAdapter(DENO_SWIFTSHADER, false, 'wgpu')).toBe('SwiftShader (software adapter)');
  });

  it('Deno on lavapipe: the PCI vendor id becomes a name, flagged as software', () => {
    expect(describeAdapter(DENO_LAVAPIPE, false, 'wgpu')).toBe('Mesa llvmpipe (LLVM 15.0.6, 256 bits) (software adapter)');
    expect(isSoftware(DENO_LAVAPIPE, false)).toBe(true);
    // llvmpipe in the description is enough without the fallback flag
    expect(isSoftware({ ...DENO_LAVAPIPE, isFallbackAdapter: false }, false)).toBe(true);
  });

  it('Firefox: every string empty, info.isFallbackAdapter read, never "unknown"', () => {
    const name = describeAdapter(FIREFOX_HIDDEN, false, 'wgpu');
    expect(name).toBe('WebGPU fallback adapter (wgpu, details hidden; software adapter)');
    expect(isSoftware(FIREFOX_HIDDEN, false)).toBe(true);
    const hardware = { ...FIREFOX_HIDDEN, isFallbackAdapter: false };
    expect(describeAdapter(hardware, false, 'wgpu')).toBe('WebGPU adapter (wgpu, details hidden)');
    expect(isSoftware(hardware, false)).toBe(false);
    expect(describeAdapter(undefined, false, null)).toBe('WebGPU adapter (details hidden)');
  });

  it('the older GPUAdapter.isFallbackAdapter still counts', () => {
    expect(describeAdapter({ vendor: '', description: '' }, true, 'dawn')).toBe('WebGPU fallback adapter (dawn, details hidden; software adapter)');
    expect(describeAdapter({ vendor: 'intel', architecture: 'gen-12lp' }, true)).toBe('intel gen-12lp (software adapter)');
    expect(isSoftware({ vendor: 'intel' }, true)).toBe(true);
  });

  it('hardware adapters are named from what is known, not flagged', () => {
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'ampere', description: '' }, false)).toBe('nvidia ampere');
    expect(describeAdapter({ vendor: '4318', architecture: '', description: 'NVIDIA GeForce RTX 3080' }, false)).toBe('NVIDIA NVIDIA GeForce RTX 3080');
    expect(isSoftware({ vendor: '4318', description: 'NVIDIA GeForce RTX 3080' }, false)).toBe(false);
    expect(describeAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' }, false)).toBe('microsoft Microsoft Basic Render Driver (software adapter)');
  });

  it('vendor ids: decimal and hex, unknown ids kept readable, names untouched', () => {
    expect(vendorName('0x10de')).toBe('NVIDIA');
    expect(vendorName('32902')).toBe('Intel');
    expect(vendorName('0x1234')).toBe('vendor 0x1234');
    expect(vendorName('0')).toBe('');
    expect(vendorName('apple')).toBe('apple');
    expect(vendorName(undefined)).toBe('');
  });

  it('tells the implementation from the runtime', () => {
    expect(detectImplementation({ Deno: {} })).toBe('wgpu');
    expect(detectImplementation({ navigator: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0' } })).toBe('wgpu');
    expect(detectImplementation({ navigator: { userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36' } })).toBe('dawn');
    expect(detectImplementation({ navigator: { userAgent: 'Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15' } })).toBe('webkit');
    expect(detectImplementation({ navigator: { userAgent: 'Node.js/20' } })).toBeUndefined();
  });
});

describe('adapter naming (this runtime\'s adapter)', () => {
  it('is named, never "unknown"; software adapters on this kind of machine are flagged', async () => {
    const be = await backendFor('webgpu');
    expect(be.adapterName).not.toMatch(/unknown/i);
    expect(be.adapterName.length).toBeGreaterThan(3);
    const runtime = detectImplementation();
    console.log(`adapter: ${be.adapterName} (implementation: ${runtime ?? 'not told'}; software: ${be.isSoftwareAdapter})`);
    // CI's Vulkan drivers are SwiftShader and lavapipe: both CPUs, so the flag must be set there
    const icd = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.VK_ICD_FILENAMES ?? '';
    if (/swiftshader|lvp_icd/.test(icd)) expect(be.isSoftwareAdapter).toBe(true);
    if (/lvp_icd/.test(icd)) expect(be.adapterName).toMatch(/llvmpipe|lavapipe|fallback/);
  });
});
