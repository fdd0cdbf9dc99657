// End to end: serve the demo, let its worker train 3 steps of a small model on synthetic
// images in headless Chromium (WebGPU, SwiftShader here), and check what the page reports.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type TrainConfig } from '../../demo/src/config.js';
import type { FromWorker } from '../../demo/src/protocol.js';
import { runDemo, startDemoServer } from '../../bench/cifar/driver.js';
import { launchChromium } from '../../bench/harness/browser.js';
import type { ClassicPageState } from '../../demo/src/classic/main.js';

type Page = Awaited<ReturnType<Awaited<ReturnType<typeof launchChromium>>['newPage']>>;

/**
 * Serves the demo, opens `path` in headless Chromium and runs `check` on the page; the page's
 * uncaught errors and console errors are collected and must be none. Everything is closed after.
 */
async function withDemoPage(path: string, check: (page: Page) => Promise<void>): Promise<void> {
  const server = await startDemoServer();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(`[page error] ${e instanceof Error ? e.message : String(e)}`));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`[console.error] ${m.text()}`);
    });
    await page.goto(new URL(path, server.url).href);
    await check(page);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
    await server.close();
  }
}

interface ConformanceReport {
  adapter: string;
  passed: number;
  failed: number;
  results: { name: string; pass: boolean; error: number; note?: string }[];
}

describe('demo page (headless Chromium)', () => {
  it('trains 3 steps in the worker and reports a finite loss and a test accuracy', async () => {
    const cfg: TrainConfig = {
      ...DEFAULT_CONFIG, model: 'mlp', data: 'synthetic', trainLimit: 256, testLimit: 64, batch: 32, steps: 3, lossEvery: 2, optimizer: 'adam',
    };
    const messages: FromWorker[] = [];
    const { result } = await runDemo(cfg, { onMessage: (m) => messages.push(m), timeoutMs: 50_000 });
    const losses = messages.flatMap((m) => (m.type === 'step' && m.loss !== undefined ? [m.loss] : []));
    expect(losses).toHaveLength(1); // step 2 reads the loss; step 3 is a plain step
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    // memory: the pool holds at least the live tensors, and mid-step activations peak above them
    const memory = messages.flatMap((m) => (m.type === 'step' ? [m.memory] : []));
    expect(memory.length).toBeGreaterThan(0);
    for (const { live, held, peak } of memory) {
      expect(held).toBeGreaterThanOrEqual(live);
      expect(peak).toBeGreaterThan(live);
    }
    expect(result.steps).toBe(3);
    expect(result.testImages).toBe(64);
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.testAccuracy).toBeLessThanOrEqual(1);
    expect(messages.some((m) => m.type === 'epoch')).toBe(true);
    expect(messages.some((m) => m.type === 'samples')).toBe(true);
    // the design's promise, measured on step 3 (no loss readback): one submit, no readback
    expect(result.perStep.submits).toBe(1);
    expect(result.perStep.readbacks).toBe(0);
  }, 60_000);

  // demo/public/pretrained/convnetjs.safetensors: the checkpoint the page offers (its metadata
  // names the model, its test accuracy and the command that made it)
  it('"load pretrained": the ConvNetJS checkpoint is evaluated, with predictions, a confusion matrix and its metadata', async () => {
    // the form says mlp: the button switches it to convnetjs; synthetic data keeps it small (200 test images)
    await withDemoPage('index.html?data=synthetic&model=mlp', async (page) => {
      await page.click('#pretrained');
      await page.waitForFunction(() => !document.getElementById('checkpoint')!.hidden || /error/.test(document.getElementById('status')!.textContent ?? ''), { timeout: 100_000, polling: 250 });
      expect(await page.$eval('#status', (el) => el.textContent)).toMatch(/^the pretrained ConvNetJS net: \d+\.\d\d% on 200 test images$/);
      expect(await page.$eval('#model', (el) => (el as HTMLSelectElement).value)).toBe('convnetjs');
      const meta = await page.$$eval('#checkpoint-meta dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent ?? ''])));
      expect(meta.model).toBe('convnetjs');
      expect(meta['its test accuracy']).toMatch(/^\d+(\.\d+)?%$/);
      expect(meta['made by']).not.toBe('');
      expect(meta['trained with']).not.toBe('');
      expect(await page.$$eval('#samples .sample', (tiles) => tiles.length)).toBe(32);
      // the confusion matrix was drawn: its canvas holds more than one colour
      const colours = await page.$eval('#confusion', (el) => {
        const c = el as HTMLCanvasElement;
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < data.length && seen.size < 3; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return seen.size;
      });
      expect(colours).toBeGreaterThan(1);
    });
  }, 120_000);

  it('conformance page: every op matches the CPU reference on the browser adapter', async () => {
    await withDemoPage('conformance.html', async (page) => {
      await page.waitForFunction(() => (window as unknown as { webgradConformance?: unknown }).webgradConformance, { timeout: 50_000 });
      const report = await page.evaluate(() => (window as unknown as { webgradConformance: ConformanceReport }).webgradConformance);
      expect(report.results.filter((r) => !r.pass)).toEqual([]);
      expect(report.passed).toBeGreaterThan(20);
    });
  }, 60_000);

  it('classic-course page: every panel computes and draws, with no console errors (tiny settings)', async () => {
    await withDemoPage('classic.html?steps=5&raceSteps=5&images=40&epochs=1&synthetic=1', async (page) => {
      await page.waitForFunction(() => (window as unknown as { webgradClassic?: ClassicPageState }).webgradClassic?.status !== 'running', { timeout: 100_000, polling: 500 });
      const state = await page.evaluate(() => (window as unknown as { webgradClassic: ClassicPageState }).webgradClassic);
      expect(state.error).toBeUndefined();
      expect(state.status).toBe('done');
      expect(Object.keys(state.panels)).toEqual(['regions', 'transform', 'race', 'linear']);
      // every picture was drawn: its canvas holds more than one colour
      const ids = Object.values(state.panels).flatMap((p) => Object.keys(p.pictures));
      expect(ids.length).toBe(13);
      for (const id of ids) {
        const colours = await page.$eval(`canvas[id="${id}"]`, (el) => {
          const c = el as HTMLCanvasElement;
          const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          const seen = new Set<number>();
          for (let i = 0; i < data.length && seen.size < 3; i += 4 * 7) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
          return seen.size;
        });
        expect(colours, id).toBeGreaterThan(1);
      }
    });
  }, 120_000);
});
