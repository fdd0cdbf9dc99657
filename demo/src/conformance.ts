// The conformance page: every case of conformance-cases.ts on the CPU reference first, then
// on this browser's WebGPU adapter, with pass/fail and the max error per op. The results
// also land on window.webgradConformance for scripted runs.
import * as wg from '../../src/index.js';
import { CASES, makeInputs, maxRelativeError, runCase } from './conformance-cases.js';

interface CaseResult {
  name: string;
  error: number;
  tolerance: number;
  pass: boolean;
  note?: string;
}

declare global {
  interface Window {
    webgradConformance?: { adapter: string; results: CaseResult[]; passed: number; failed: number };
  }
}

const table = document.getElementById('results') as HTMLTableSectionElement;
const summary = document.getElementById('summary') as HTMLElement;
const SEED = 1234;

function addRow(r: CaseResult): void {
  const row = table.insertRow();
  row.insertCell().textContent = r.name;
  const verdict = row.insertCell();
  verdict.textContent = r.pass ? 'pass' : 'FAIL';
  verdict.className = r.pass ? 'pass' : 'fail';
  row.insertCell().textContent = Number.isFinite(r.error) ? r.error.toExponential(2) : String(r.error);
  row.insertCell().textContent = r.tolerance.toExponential(0);
  row.insertCell().textContent = r.note ?? '';
}

async function main(): Promise<void> {
  const inputs = CASES.map((c, i) => makeInputs(c, SEED + i));
  summary.textContent = 'running on the CPU reference…';
  await wg.init({ backend: 'cpu' });
  const reference = new Map<string, Float32Array[] | Error>();
  for (const [i, c] of CASES.entries()) reference.set(c.name, await runCase(c, inputs[i]).catch((e: Error) => e));

  summary.textContent = 'running on WebGPU…';
  const be = await wg.init({ backend: 'webgpu' });
  const adapter = be.adapterName;
  const results: CaseResult[] = [];
  for (const [i, c] of CASES.entries()) {
    summary.textContent = `WebGPU (${adapter}): ${c.name}…`;
    const want = reference.get(c.name);
    let result: CaseResult;
    try {
      if (want instanceof Error) throw new Error(`CPU reference failed: ${want.message}`);
      const error = maxRelativeError(await runCase(c, inputs[i]), want!);
      result = { name: c.name, error, tolerance: c.tolerance, pass: error <= c.tolerance, note: c.noGrad ? 'forward only' : 'forward + gradients' };
    } catch (e) {
      result = { name: c.name, error: Infinity, tolerance: c.tolerance, pass: false, note: (e as Error).message };
    }
    results.push(result);
    addRow(result);
  }
  const passed = results.filter((r) => r.pass).length;
  summary.textContent = `${passed} of ${results.length} ops match the CPU reference on ${adapter}`;
  window.webgradConformance = { adapter, results, passed, failed: results.length - passed };
}

main().catch((e: unknown) => {
  summary.textContent = `error: ${e instanceof Error ? e.message : String(e)}`;
  window.webgradConformance = { adapter: 'none', results: [], passed: 0, failed: -1 };
});
