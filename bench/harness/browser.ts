// Launches headless Chromium with the WebGPU flags of the test suite (SwiftShader on a
// machine without a GPU) through puppeteer-core, and reports which adapter the page gets.
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { findChrome, WEBGPU_FLAGS } from '../../test/browser-flags.js';

export interface AdapterReport {
  vendor: string;
  architecture: string;
  description: string;
  features: string[];
}

export async function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: findChrome(),
    headless: true,
    args: WEBGPU_FLAGS,
    // a 2048³ matmul on SwiftShader takes tens of seconds in some libraries
    protocolTimeout: 600_000,
  });
}

/**
 * puppeteer-core merges a passed --enable-features= into its own; this reads back the real
 * command line (chrome://version's source) so a flag that had no effect is visible.
 */
export async function chromiumCommandLine(browser: Browser): Promise<string> {
  const page = await browser.newPage();
  try {
    await page.goto('chrome://version');
    return await page.$eval('#command_line', (el) => el.textContent ?? '');
  } catch {
    return '(chrome://version unavailable)';
  } finally {
    await page.close();
  }
}

export async function adapterReport(page: Page): Promise<AdapterReport | null> {
  return page.evaluate(async () => {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    const adapter = await gpu?.requestAdapter();
    if (!adapter) return null;
    const info = adapter.info;
    return { vendor: info.vendor, architecture: info.architecture, description: info.description, features: [...adapter.features].sort() };
  });
}
