// Launches headless Firefox (wgpu and its WGSL compiler naga, where Chromium has Dawn and Tint)
// through puppeteer-core over WebDriver BiDi, with WebGPU enabled, on the Vulkan driver that
// VK_ICD_FILENAMES names (Mesa's lavapipe by default: a CPU driver, so any machine has one).
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const LAVAPIPE_ICD = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';

export const FIREFOX_WEBGPU_PREFS = {
  'dom.webgpu.enabled': true,
  // wgpu's blocklist refuses CPU Vulkan drivers such as lavapipe
  'gfx.webgpu.ignore-blocklist': true,
};

/** FIREFOX_PATH, then the Debian and usual install locations; a clear error when none is found. */
export function findFirefox(): string {
  const candidates = [process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox'].filter((p): p is string => !!p);
  for (const p of candidates) if (existsSync(p)) return p;
  throw new Error(`webgrad: no Firefox found (looked at ${candidates.join(', ')}). Install one (Debian: apt-get install -y firefox-esr) or set FIREFOX_PATH.`);
}

/**
 * Points Vulkan at lavapipe unless the caller chose a driver, and fails with the fix when the
 * driver is missing. Must run before the browser starts: Firefox's GPU process inherits it.
 */
export function useLavapipeUnlessSet(): string {
  if (!process.env.VK_ICD_FILENAMES) {
    if (!existsSync(LAVAPIPE_ICD)) throw new Error(`webgrad: lavapipe (${LAVAPIPE_ICD}) is missing: apt-get install -y mesa-vulkan-drivers, or set VK_ICD_FILENAMES`);
    process.env.VK_ICD_FILENAMES = LAVAPIPE_ICD;
  }
  return process.env.VK_ICD_FILENAMES;
}

export async function launchFirefox(): Promise<Browser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: true,
    extraPrefsFirefox: FIREFOX_WEBGPU_PREFS,
    protocolTimeout: 600_000,
  });
  // Release builds before 141 (Debian's ESR 140) have WebGPU compiled out: no pref enables it
  const major = Number(/firefox\/(\d+)/i.exec(await browser.version())?.[1] ?? 0);
  if (major > 0 && major < 141) {
    await browser.close();
    throw new Error(`webgrad: Firefox ${major} has WebGPU compiled out of release builds; ESR 153 or later has it (Debian: apt-get update && apt-get install -y firefox-esr)`);
  }
  return browser;
}

export interface FirefoxAdapter {
  /** the strings adapter.info gives (Firefox hides them: all empty) */
  vendor: string;
  architecture: string;
  description: string;
  isFallbackAdapter: boolean | undefined;
  features: string[];
}

/** What the page's navigator.gpu reports; null when WebGPU gives no adapter. */
export async function firefoxAdapter(page: Page): Promise<FirefoxAdapter | null> {
  return page.evaluate(async () => {
    const adapter = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    return { vendor: info.vendor, architecture: info.architecture, description: info.description, isFallbackAdapter: info.isFallbackAdapter, features: [...adapter.features].sort() };
  });
}
