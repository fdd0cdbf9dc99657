import { appendFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';
import { findChrome, WEBGPU_FLAGS } from './test/browser-flags.js';
import { puppeteerFirefox } from './test/firefox-provider.js';

// Node tests use Dawn (the `webgpu` package) on SwiftShader's Vulkan driver when no GPU exists.
const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
if (!process.env.VK_ICD_FILENAMES && existsSync(ICD)) process.env.VK_ICD_FILENAMES = ICD;
// Dawn's Vulkan loader prints 'XDG_RUNTIME_DIR is invalid or not set' without one (initNode sets it too)
if (!process.env.XDG_RUNTIME_DIR || !existsSync(process.env.XDG_RUNTIME_DIR)) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'webgrad-xdg-'));

// Without a Chromium the browser project cannot run: in CI that is an error (fail loudly,
// never skip); on a developer's machine the Node project still runs, with a warning.
let chromePath: string | undefined;
try {
  chromePath = findChrome();
} catch (e) {
  if (process.env.CI) throw e;
  console.warn(`${(e as Error).message}\nwebgrad: the chromium test project is disabled.`);
}

// Slow suites (training runs on real data) are opted into with WEBGRAD_SLOW=1.
const include = ['test/**/*.test.ts'];
// test/reliability/node/ holds the Node-only reliability tests (child processes, files)
const browserInclude = ['test/{ops,backend,autograd,compile,nn,optim,amp,classic,browser}/**/*.test.ts', 'test/reliability/*.test.ts', 'test/demo/parity.test.ts'];

// One seed per run for every project's fresh random inputs (test/seeds.ts); WEBGRAD_TEST_SEED replays
const testSeed = process.env.WEBGRAD_TEST_SEED ? Number(process.env.WEBGRAD_TEST_SEED) : Date.now() % 1_000_000;
if (!Number.isSafeInteger(testSeed) || testSeed < 0) throw new Error(`WEBGRAD_TEST_SEED must be a non-negative integer, got '${process.env.WEBGRAD_TEST_SEED}'`);

// Flake hunting in a browser (test/helpers.ts): a browser has no env and no files, so the
// tolerance log's path is provided to the tests and each line comes back through this command.
const toleranceLog = process.env.WEBGRAD_TOLERANCE_LOG;
const browserCommands = { appendToleranceLog: (_context: unknown, text: string) => appendFileSync(toleranceLog!, text) };
// what every project's tests read with inject()
const provide = { testSeed, browserToleranceLog: toleranceLog !== undefined && toleranceLog !== '' };

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          pool: 'forks',
          include,
          setupFiles: ['test/setup.ts'],
          provide,
          exclude: ['test/browser/**'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      ...(chromePath === undefined ? [] : [{
        test: {
          name: 'chromium',
          include: browserInclude,
          setupFiles: ['test/setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          provide,
          browser: {
            commands: browserCommands,
            enabled: true,
            headless: true,
            provider: playwright({ launchOptions: { executablePath: chromePath, args: WEBGPU_FLAGS } }),
            instances: [{ browser: 'chromium' as const }],
          },
        },
      }]),
      // the browser test list in Firefox (wgpu/naga) on lavapipe: opt-in (`npm run test:firefox-list`),
      // so `npm test` stays Node + Chromium
      ...(process.env.WEBGRAD_FIREFOX !== '1' ? [] : [{
        test: {
          name: 'firefox',
          include: browserInclude,
          setupFiles: ['test/setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          provide,
          browser: {
            commands: browserCommands,
            enabled: true,
            headless: true,
            provider: puppeteerFirefox(),
            instances: [{ browser: 'firefox' as const }],
          },
        },
      }]),
    ],
  },
});
