// `npm run test:firefox`: the conformance page (demo/conformance.html: every op of
// demo/src/conformance-cases.ts, forward and gradients, against the CPU reference) in headless
// Firefox, i.e. on wgpu/naga rather than Dawn/Tint, on lavapipe unless VK_ICD_FILENAMES says
// otherwise. Prints one line per op and `N passed, N failed`; exits 1 on any failure, a page
// error, or an adapter named "unknown". `--json FILE` also writes the counts in the shape of a
// vitest JSON report, so scripts/ci-summary.mjs folds them into CI's total.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseFlags } from '../bench/harness/cli.js';
import { firefoxAdapter, launchFirefox, useLavapipeUnlessSet } from '../bench/harness/firefox.js';
import { startBenchServer } from '../bench/harness/server.js';

interface CaseResult {
  name: string;
  error: number;
  tolerance: number;
  pass: boolean;
  note?: string;
}
interface Conformance {
  adapter: string;
  results: CaseResult[];
  passed: number;
  failed: number;
}

const { json: jsonPath } = parseFlags('npm run test:firefox --', {
  json: { kind: 'string', describe: "also write the counts as a vitest JSON report (for scripts/ci-summary.mjs)" },
}, { intro: 'The conformance page in headless Firefox (wgpu/naga), on lavapipe unless VK_ICD_FILENAMES says otherwise.' });
const TIMEOUT_MS = Number(process.env.WEBGRAD_FIREFOX_TIMEOUT_MS ?? 420_000);

interface Check {
  title: string;
  pass: boolean;
  message?: string;
}

async function run(): Promise<{ checks: Check[]; seconds: number }> {
  const t0 = performance.now();
  const icd = useLavapipeUnlessSet();
  const server = await startBenchServer();
  const browser = await launchFirefox();
  const checks: Check[] = [];
  try {
    console.log(`firefox: ${await browser.version()}, VK_ICD_FILENAMES=${icd}`);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(`[page error] ${e instanceof Error ? e.message : String(e)}`));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`[console.error] ${m.text()}`);
      else if (m.type() === 'warn') console.log(`  [console.warn] ${m.text()}`);
    });
    await page.goto(new URL('demo/conformance.html', server.url).href, { waitUntil: 'load', timeout: 120_000 });
    const adapter = await firefoxAdapter(page);
    if (!adapter) throw new Error('navigator.gpu gave no adapter (WebGPU disabled, or no Vulkan driver)');
    // Firefox hides the adapter's strings; the fallback flag and the features tell the driver:
    // lavapipe has shader-f16, SwiftShader does not
    console.log(`firefox: adapter.info vendor="${adapter.vendor}" architecture="${adapter.architecture}" description="${adapter.description}" isFallbackAdapter=${adapter.isFallbackAdapter}; shader-f16: ${adapter.features.includes('shader-f16')}`);
    await page.waitForFunction(() => (window as unknown as { webgradConformance?: unknown }).webgradConformance, { timeout: TIMEOUT_MS, polling: 1000 });
    const report = await page.evaluate(() => (window as unknown as { webgradConformance: Conformance }).webgradConformance);
    console.log(`firefox: webgrad names the adapter "${report.adapter}"`);
    checks.push({ title: 'adapter is named (not "unknown")', pass: !/unknown|^none$/i.test(report.adapter), message: report.adapter });
    if (/lvp_icd/.test(icd)) {
      checks.push({ title: 'the adapter is lavapipe (fallback, shader-f16)', pass: adapter.isFallbackAdapter === true && adapter.features.includes('shader-f16') });
    }
    for (const r of report.results) {
      const err = Number.isFinite(r.error) ? r.error.toExponential(2) : String(r.error);
      console.log(`  ${r.pass ? 'pass' : 'FAIL'}  ${r.name}  max error ${err} (tolerance ${r.tolerance.toExponential(0)})${r.pass ? '' : `  ${r.note ?? ''}`}`);
      checks.push({ title: `conformance: ${r.name}`, pass: r.pass, message: r.pass ? undefined : `error ${err} > ${r.tolerance}: ${r.note ?? ''}` });
    }
    // a page that never got to its cases (failed: -1) has no results: that is a failure too
    checks.push({ title: 'the page ran its cases', pass: report.failed >= 0 && report.results.length > 20, message: `${report.results.length} cases` });
    checks.push({ title: 'no page errors', pass: pageErrors.length === 0, message: pageErrors.join('\n') });
    for (const e of pageErrors) console.log(`  ${e}`);
  } finally {
    await browser.close();
    await server.close();
  }
  return { checks, seconds: (performance.now() - t0) / 1000 };
}

function writeReport(checks: Check[], fatal?: string): void {
  if (!jsonPath) return;
  const passed = checks.filter((c) => c.pass).length;
  const failed = checks.length - passed;
  const assertionResults = checks.map((c) => ({ title: c.title, fullName: `firefox ${c.title}`, status: c.pass ? 'passed' : 'failed', failureMessages: c.pass ? [] : [c.message ?? ''] }));
  const report = {
    numPassedTests: passed,
    numFailedTests: failed,
    numPendingTests: 0,
    numTotalTests: checks.length,
    numTotalTestSuites: 1,
    success: !fatal && failed === 0 && passed > 0,
    testResults: [{ name: 'demo/conformance.html (Firefox)', status: fatal || failed ? 'failed' : 'passed', message: fatal ?? '', assertionResults }],
  };
  mkdirSync(dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify(report, null, 1));
}

try {
  const { checks, seconds } = await run();
  writeReport(checks);
  for (const c of checks.filter((x) => !x.pass)) console.log(`firefox: FAILED ${c.title}${c.message ? `: ${c.message}` : ''}`);
  const passed = checks.filter((c) => c.pass).length;
  console.log(`firefox: ${passed} passed, ${checks.length - passed} failed (${seconds.toFixed(0)} s)`);
  process.exit(passed > 0 && passed === checks.length ? 0 : 1);
} catch (e) {
  const msg = e instanceof Error ? e.message : String(e);
  writeReport([], msg);
  console.log(`firefox: ${msg}`);
  process.exit(1);
}
