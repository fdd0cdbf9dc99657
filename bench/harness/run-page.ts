// Runs one bench page in headless Chromium: start the server, launch the browser, open the
// page, call the function the page put on `window`, stream its progress lines to the
// terminal, return its (JSON-able) result. Reused by the matmul, conv and CIFAR-10 benches.
import type { Browser } from 'puppeteer-core';
import { adapterReport, type AdapterReport, chromiumCommandLine, launchChromium } from './browser.js';
import { startBenchServer } from './server.js';

export interface PageRun<T> {
  result: T;
  adapter: AdapterReport;
  browserVersion: string;
  commandLine: string;
}

export interface PageRunOptions {
  /** path of the page's HTML under the repository root, e.g. 'bench/pages/matmul.html' */
  page: string;
  /** name of the async function the page sets on window: (args, progress) => result */
  entry: string;
  args?: unknown;
  /** packages Vite bundles before the page loads */
  prebundle?: string[];
  /** prints a line (default: console.log with a prefix) */
  onProgress?: (line: string) => void;
  /** refuse to run on anything but a software adapter (default false) */
  requireSoftwareAdapter?: boolean;
}

export async function runPage<T>(opts: PageRunOptions): Promise<PageRun<T>> {
  const progress = opts.onProgress ?? ((line: string) => console.log(`  ${line}`));
  const server = await startBenchServer({ prebundle: opts.prebundle });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const browserVersion = await browser.version();
    const commandLine = await chromiumCommandLine(browser);
    const page = await browser.newPage();
    page.on('pageerror', (e) => progress(`[page error] ${e instanceof Error ? e.message : String(e)}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') progress(`[console.${m.type()}] ${m.text()}`);
    });
    await page.exposeFunction('__benchProgress', (line: string) => progress(line));
    await page.goto(new URL(opts.page, server.url).href, { waitUntil: 'load', timeout: 120_000 });
    const adapter = await adapterReport(page);
    if (!adapter) throw new Error(`bench: no WebGPU adapter in Chromium (command line: ${commandLine})`);
    progress(`adapter: ${adapter.vendor} / ${adapter.architecture} / ${adapter.description || '-'}`);
    await page.waitForFunction((name: string) => typeof (window as unknown as Record<string, unknown>)[name] === 'function', { timeout: 120_000 }, opts.entry);
    const result = (await page.evaluate(
      async (name: string, args: unknown) => {
        const w = window as unknown as Record<string, unknown> & { __benchProgress: (l: string) => Promise<void> };
        const fn = w[name] as (a: unknown, p: (l: string) => void) => Promise<unknown>;
        return fn(args, (line) => void w.__benchProgress(line));
      },
      opts.entry,
      opts.args ?? null,
    )) as T;
    return { result, adapter, browserVersion, commandLine };
  } finally {
    await browser?.close();
    await server.close();
  }
}
