// Renders the classic-course page (demo/classic.html) in headless Chromium and saves every
// panel as a PNG in docs/pictures/, then prints what it drew and the numbers behind it (the
// decision-region nets' training accuracies, the feature-transform accuracies, the race's
// final values, the loss-slice range). The canvases are read with toDataURL, so the files
// are exactly what the page drew.
// Run: node --import tsx bench/classic/pictures.ts [--steps N (default 600)] [--datasets spiral,circles] [--synthetic] [--out DIR]
import { mkdirSync } from 'node:fs';
import { writeFileAtomicSync } from '../../src/io/atomic-write.js';
import { join } from 'node:path';
import type { Browser } from 'puppeteer-core';
import { startDemoServer } from '../cifar/driver.js';
import { launchChromium } from '../harness/browser.js';
import { REPO_ROOT } from '../harness/server.js';
import { parseFlags } from '../harness/cli.js';
import { renderTable } from '../harness/table.js';
import type { ClassicPageState } from '../../demo/src/classic/main.js';

const FLAGS = {
  steps: { kind: 'int', default: 600, describe: 'training steps of the decision-region nets' },
  datasets: { kind: 'strings', default: ['spiral', 'circles'], describe: 'toy data sets drawn' },
  synthetic: { kind: 'boolean', describe: 'generated images instead of CIFAR-10' },
  out: { kind: 'string', default: join(REPO_ROOT, 'docs', 'pictures'), describe: 'folder for the PNGs' },
} as const;

interface Rendered {
  state: ClassicPageState;
  /** canvas id → PNG bytes */
  pngs: Map<string, Buffer>;
  errors: string[];
}

async function render(browser: Browser, url: string): Promise<Rendered> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`[page error] ${e instanceof Error ? e.message : String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`[console.error] ${m.text()}`);
  });
  try {
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    let last = '';
    for (;;) {
      const state = await page.evaluate(() => window.webgradClassic ?? null);
      const line = await page.$eval('#status', (el) => el.textContent ?? '');
      if (line !== last) console.log(`  ${line}`);
      last = line;
      if (state && state.status !== 'running') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const state = (await page.evaluate(() => window.webgradClassic!)) as ClassicPageState;
    const ids = Object.values(state.panels).flatMap((p) => Object.keys(p.pictures));
    const pngs = new Map<string, Buffer>();
    for (const id of ids) {
      const dataUrl = await page.$eval(`canvas[id="${id}"]`, (el) => (el as HTMLCanvasElement).toDataURL('image/png'));
      pngs.set(id, Buffer.from(dataUrl.split(',')[1], 'base64'));
    }
    return { state, pngs, errors };
  } finally {
    await page.close();
  }
}

const args = parseFlags('node --import tsx bench/classic/pictures.ts', FLAGS);
mkdirSync(args.out, { recursive: true });
const server = await startDemoServer();
const browser = await launchChromium();
const rows: string[][] = [];
const figures: string[][] = [];
let failed = false;
try {
  for (const [i, dataset] of args.datasets.entries()) {
    // the first run draws every panel; later ones only the decision regions of their data set
    const q = new URLSearchParams({ dataset, steps: String(args.steps), only: i === 0 ? 'regions,transform,race,linear' : 'regions' });
    if (args.synthetic) q.set('synthetic', '1');
    const url = new URL(`classic.html?${q}`, server.url).href;
    console.log(`rendering ${url}`);
    const { state, pngs, errors } = await render(browser, url);
    for (const e of errors) console.error(e);
    if (state.status !== 'done' || errors.length > 0) {
      failed = true;
      console.error(`the page ended with status ${state.status}${state.error ? `: ${state.error}` : ''} and ${errors.length} console errors`);
    }
    for (const [name, panel] of Object.entries(state.panels)) {
      for (const [id, what] of Object.entries(panel.pictures)) {
        const file = `${name === 'regions' ? `regions-${dataset}-` : ''}${id === 'race' ? `race-${state.settings.race}` : id}.png`;
        const png = pngs.get(id)!;
        writeFileAtomicSync(join(args.out, file), png);
        rows.push([file, `${(png.length / 1024).toFixed(1)} KiB`, what]);
      }
      for (const [key, v] of Object.entries(panel.figures)) {
        figures.push([name === 'regions' ? `${dataset} ${key}` : key, key.includes('accuracy') ? `${(100 * v).toFixed(1)}%` : v.toPrecision(4), `${panel.seconds.toFixed(1)} s (${name})`]);
      }
    }
    console.log(`adapter: ${state.adapter}`);
  }
} finally {
  await browser.close();
  await server.close();
}
console.log(`\n${renderTable(['file', 'size', 'what'], rows, 3)}\n`);
console.log(`${renderTable(['figure', 'value', 'panel time'], figures, 1)}\n`);
console.log(`saved ${rows.length} pictures in ${args.out}`);
if (failed) process.exit(1);
