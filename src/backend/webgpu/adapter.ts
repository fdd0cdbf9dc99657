// Naming the adapter: software adapters (SwiftShader, lavapipe/llvmpipe, WARP, any fallback
// adapter) are reported as such, because figures measured on them say nothing about a real GPU,
// and the name keys the matmul tuner's saved tables, so it must be stable and never "unknown".
//
// What the implementations give (measured, see docs/webgpu-implementations.md):
// - Dawn (Chromium, Node's `webgpu`): vendor/architecture/description filled in.
// - Deno (wgpu): vendor is the PCI vendor id as a decimal string ("65541" = Mesa), architecture
//   empty, device a numeric id, description the driver's name ("llvmpipe (LLVM 15.0.6, …)").
// - Firefox (wgpu): every string empty (the details are hidden from pages), only
//   info.isFallbackAdapter (true on lavapipe and SwiftShader).

/** What webgrad reads of a GPUAdapterInfo; every field may be missing or empty. */
export interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  /** where newer specs and Firefox put it (older ones had GPUAdapter.isFallbackAdapter) */
  isFallbackAdapter?: boolean;
}

/** Which WebGPU implementation serves this page or process, when it can be told. */
export type WebGPUImplementation = 'wgpu' | 'dawn' | 'webkit';

// Vulkan/PCI vendor ids, as Deno (wgpu) reports them in `vendor`
const VENDOR_IDS: Record<number, string> = {
  0x1002: 'AMD',
  0x10de: 'NVIDIA',
  0x8086: 'Intel',
  0x13b5: 'ARM',
  0x5143: 'Qualcomm',
  0x106b: 'Apple',
  0x1010: 'Imagination',
  0x1414: 'Microsoft',
  0x1ae0: 'Google',
  0x10005: 'Mesa',
};

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software|warp|microsoft basic/;

/**
 * wgpu in Deno and Firefox, Dawn in Chromium-based browsers, WebKit's own in Safari; undefined
 * in Node (whatever GPU object the caller passed) and anywhere else.
 */
export function detectImplementation(
  g: { Deno?: unknown; navigator?: { userAgent?: string } } = globalThis as never,
): WebGPUImplementation | undefined {
  if (g.Deno !== undefined) return 'wgpu';
  const ua = g.navigator?.userAgent ?? '';
  if (/Firefox\//.test(ua)) return 'wgpu';
  if (/Chrom(e|ium)\//.test(ua)) return 'dawn';
  if (/Safari\//.test(ua) && /AppleWebKit\//.test(ua)) return 'webkit';
  return undefined;
}

/** "65541" or "0x10005" → "Mesa"; a name stays as it is; an unknown id becomes "vendor 0x…". */
export function vendorName(vendor: string | undefined): string {
  const v = (vendor ?? '').trim();
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(v)) return v;
  const id = Number(v);
  return VENDOR_IDS[id] ?? (id === 0 ? '' : `vendor 0x${id.toString(16)}`);
}

function fallbackOf(info: AdapterInfoLike | undefined, isFallback: boolean): boolean {
  return isFallback || info?.isFallbackAdapter === true;
}

export function isSoftware(info: AdapterInfoLike | undefined, isFallback: boolean): boolean {
  const s = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''} ${info?.device ?? ''}`.toLowerCase();
  return fallbackOf(info, isFallback) || SOFTWARE.test(s);
}

/**
 * A readable, stable adapter name. `isFallback` is the older GPUAdapter.isFallbackAdapter;
 * info.isFallbackAdapter counts too. `impl` names the implementation when the details are hidden
 * (detected from the runtime when not given; null: not known).
 */
export function describeAdapter(info: AdapterInfoLike | undefined, isFallback: boolean, impl: WebGPUImplementation | null = detectImplementation() ?? null): string {
  const s = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''}`.toLowerCase();
  // kept exactly: saved matmul tuning tables are keyed by this name
  if (s.includes('swiftshader')) return 'SwiftShader (software adapter)';
  const fallback = fallbackOf(info, isFallback);
  // `device` is left out: Deno gives a numeric id there, and Dawn's names stay as they were
  const parts = [vendorName(info?.vendor), info?.architecture?.trim(), info?.description?.trim()].filter((x): x is string => !!x);
  if (parts.length === 0) {
    const known = [impl, 'details hidden'].filter((x) => x).join(', ');
    return fallback ? `WebGPU fallback adapter (${known}; software adapter)` : `WebGPU adapter (${known})`;
  }
  const name = [...new Set(parts)].join(' ');
  return isSoftware(info, isFallback) ? `${name} (software adapter)` : name;
}
