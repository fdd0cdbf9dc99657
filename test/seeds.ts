// Fresh random inputs on every run, and a replay for any failure. vitest.config.ts draws one seed
// per run (or takes WEBGRAD_TEST_SEED) and provides it to every project, the browsers included;
// test/setup.ts ends a failed test's message with it. A call's seed depends only on that run seed,
// the test's full name and how many seeds the test drew before, so
//   WEBGRAD_TEST_SEED=S npx vitest run --project P <file> -t '<test name>'
// gives the failed test the same inputs again, whatever else runs or is filtered out.
import { expect, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    testSeed: number;
  }
}

/** This run's seed (vitest.config.ts). */
export const runSeed: number = inject('testSeed');

let drawnFor: string | undefined;
let drawn = 0;

/** A seed for this call: a hash of the run seed, the current test's full name and the call's index in that test. */
export function freshSeed(): number {
  const test = expect.getState().currentTestName ?? '(outside a test)';
  if (test !== drawnFor) [drawnFor, drawn] = [test, 0];
  return fnv1a(`${runSeed}\u0000${test}\u0000${drawn++}`) % 1_000_000;
}

/** 32-bit FNV-1a over the string's UTF-16 code units */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
