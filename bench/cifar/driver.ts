// Drives the demo page in headless Chromium: serves demo/ with its own Vite config (which
// publishes the CIFAR-10 folder under /data/cifar10/), opens index.html?autorun=1&<settings>,
// and receives every worker message through window.webgradBench until the run is done.
// Used by `npm run bench` and the e2e test. The browser launch is the shared bench harness's.
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { createServer, type ViteDevServer } from 'vite';
import { adapterReport, launchChromium } from '../harness/browser.js';
import { REPO_ROOT } from '../harness/server.js';
import { configToParams, type TrainConfig } from '../../demo/src/config.js';
import type { FromWorker, RunResult } from '../../demo/src/protocol.js';

export interface DemoServer {
  url: string;
  close(): Promise<void>;
}

/** `dataDir`: the CIFAR-10 folder to serve (else the config's default lookup: $WEBGRAD_DATA, ../shared/datasets/cifar10). */
export async function startDemoServer(dataDir?: string): Promise<DemoServer> {
  if (dataDir) process.env.WEBGRAD_DATA = dataDir;
  const server: ViteDevServer = await createServer({
    configFile: join(REPO_ROOT, 'demo', 'vite.config.ts'),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 5199, strictPort: false, hmr: false },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('bench: the Vite server did not report a local URL');
  return { url, close: () => server.close() };
}

export interface DemoRun {
  result: RunResult;
  browserVersion: string;
  /** the adapter as the page's navigator.gpu reports it */
  adapterDescription: string;
}

export interface DemoRunOptions {
  dataDir?: string;
  onMessage?: (msg: FromWorker) => void;
  /** lines from the page's console errors and page errors */
  onLog?: (line: string) => void;
  timeoutMs?: number;
}

export async function runDemo(cfg: TrainConfig, opts: DemoRunOptions = {}): Promise<DemoRun> {
  const server = await startDemoServer(opts.dataDir);
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    const browserVersion = await browser.version();
    const page = await browser.newPage();
    const log = opts.onLog ?? ((line: string) => console.error(line));
    page.on('pageerror', (e) => log(`[page error] ${e instanceof Error ? e.message : String(e)}`));
    page.on('console', (m) => {
      if (m.type() === 'error') log(`[console.error] ${m.text()}`);
    });
    let settle: { resolve: (r: RunResult) => void; reject: (e: Error) => void } | undefined;
    const finished = new Promise<RunResult>((resolve, reject) => (settle = { resolve, reject }));
    // registered before the page loads, so the page's first messages are not lost
    await page.exposeFunction('webgradBench', (msg: FromWorker) => {
      opts.onMessage?.(msg);
      if (msg.type === 'done') settle?.resolve(msg.result);
      if (msg.type === 'error') settle?.reject(new Error(msg.message));
    });
    const timeoutMs = opts.timeoutMs ?? 24 * 3600_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bench: no result within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const params = configToParams(cfg);
    params.set('autorun', '1');
    await page.goto(new URL(`index.html?${params}`, server.url).href, { waitUntil: 'load', timeout: 120_000 });
    const adapter = await adapterReport(page);
    const adapterDescription = adapter ? [adapter.vendor, adapter.architecture, adapter.description].filter(Boolean).join(' / ') : 'none (no WebGPU adapter)';
    try {
      const result = await Promise.race([finished, timeout]);
      return { result, browserVersion, adapterDescription };
    } finally {
      clearTimeout(timer);
    }
  } finally {
    await browser?.close();
    await server.close();
  }
}
