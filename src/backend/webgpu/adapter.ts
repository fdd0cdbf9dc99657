// Naming the adapter: software adapters (SwiftShader, llvmpipe, WARP) are reported as such,
// because figures measured on them say nothing about a real GPU.

export function isSoftware(info: { vendor?: string; architecture?: string; description?: string; device?: string } | undefined, isFallback: boolean): boolean {
  const s = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''} ${info?.device ?? ''}`.toLowerCase();
  return isFallback || /swiftshader|llvmpipe|lavapipe|software|warp|microsoft basic/.test(s);
}

export function describeAdapter(info: GPUAdapterInfo | undefined, isFallback: boolean): string {
  const s = `${info?.vendor ?? ''} ${info?.architecture ?? ''} ${info?.description ?? ''}`.toLowerCase();
  if (s.includes('swiftshader')) return 'SwiftShader (software adapter)';
  const parts = [info?.vendor, info?.architecture, info?.description].filter((x) => x) as string[];
  const name = parts.length ? [...new Set(parts)].join(' ') : 'unknown WebGPU adapter';
  return isSoftware(info, isFallback) ? `${name} (software adapter)` : name;
}
