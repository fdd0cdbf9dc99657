// End to end: serve the demo, let its worker train 3 steps of a small model on synthetic
// images in headless Chromium (WebGPU, SwiftShader here), and check what the page reports.
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type TrainConfig } from '../../demo/src/config.js';
import type { FromWorker } from '../../demo/src/protocol.js';
import { runDemo, startDemoServer } from '../../bench/cifar/driver.js';
import { launchChromium } from '../../bench/harness/browser.js';

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

  it('conformance page: every op matches the CPU reference on the browser adapter', async () => {
    const server = await startDemoServer();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(new URL('conformance.html', server.url).href);
      await page.waitForFunction(() => (window as unknown as { webgradConformance?: unknown }).webgradConformance, { timeout: 50_000 });
      const report = await page.evaluate(() => (window as unknown as { webgradConformance: ConformanceReport }).webgradConformance);
      expect(report.results.filter((r) => !r.pass)).toEqual([]);
      expect(report.passed).toBeGreaterThan(20);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 60_000);
});
