import { existsSync } from 'node:fs';

// Chromium flags for a WebGPU adapter on a machine without a GPU (SwiftShader, a CPU Vulkan
// driver shipped with Debian's chromium), plus the flags a machine with no internet needs.
// On a machine with a GPU the same flags still pick the hardware adapter first only when
// WEBGRAD_HARDWARE_GPU=1 drops the SwiftShader-forcing ones.
export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  ...(process.env.WEBGRAD_HARDWARE_GPU === '1' ? [] : ['--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader']),
  '--disable-vulkan-surface',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** CHROME_PATH, then the usual install locations; a clear error when none is found. */
export function findChrome(): string {
  const candidates = [
    process.env.CHROME_PATH,
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  ].filter((p): p is string => !!p);
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(
    `webgrad: no Chromium/Chrome found (looked at ${candidates.join(', ')}). ` +
      'Install one (Debian: apt-get install -y chromium) or set CHROME_PATH.',
  );
}
