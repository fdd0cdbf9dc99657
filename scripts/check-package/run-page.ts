// Serves a built example page (argv[2]) on 127.0.0.1 and opens it in headless Chromium with
// the test suite's WebGPU flags; waits for window.webgradExample (set by the page when its
// worker finishes) and fails unless it reports success with accuracy >= argv[3] (default 0.9).
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { launchChromium } from '../../bench/harness/browser.js';

const root = resolve(process.argv[2] ?? 'dist-web');
const minAccuracy = Number(process.argv[3] ?? 0.9);
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.wasm': 'application/wasm' };

const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]));
  if (path === '/favicon.ico') {
    res.writeHead(204).end();
    return;
  }
  const file = join(root, path.endsWith('/') ? `${path}index.html` : path);
  if (!file.startsWith(root)) {
    res.writeHead(400).end();
    return;
  }
  readFile(file).then(
    (body) => res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
    () => res.writeHead(404).end(),
  );
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

type Result = { type: 'done'; backend: string; accuracy: number; seconds: number } | { type: 'error'; message: string };
const browser = await launchChromium();
let failed = false;
try {
  const page = await browser.newPage();
  page.on('console', (m) => console.log(`[page ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => console.log(`[page error] ${e instanceof Error ? e.message : String(e)}`));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => 'webgradExample' in window, { timeout: 120_000, polling: 250 });
  const result = (await page.evaluate(() => (window as unknown as { webgradExample: unknown }).webgradExample)) as Result;
  console.log(await page.$eval('#log', (el) => el.textContent ?? ''));
  if (result.type === 'error') {
    console.error(`check-package: the worker page failed: ${result.message}`);
    failed = true;
  } else if (result.backend !== 'webgpu' || !(result.accuracy >= minAccuracy)) {
    console.error(`check-package: the worker page trained on ${result.backend} to ${result.accuracy}; want webgpu and >= ${minAccuracy}`);
    failed = true;
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
