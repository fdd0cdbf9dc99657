// Reads the JSON lines test/helpers.ts writes under WEBGRAD_TOLERANCE_LOG and prints, per test,
// the largest margin seen over all runs (1 = at the tolerance, above 1 = failed) and how many
// comparisons it made: the tests nearest to failing on fresh random inputs come first, each with
// the run seed of its worst margin (WEBGRAD_TEST_SEED=S replays that test's inputs, test/seeds.ts).
//   WEBGRAD_TOLERANCE_LOG=/tmp/m.jsonl npm run test:deno     (a few times)
//   node scripts/tolerance-margins.mjs /tmp/m.jsonl [--top 30]
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 30;
if (args.length === 0) {
  console.error('usage: node scripts/tolerance-margins.mjs LOG.jsonl [more.jsonl…] [--top N]');
  process.exit(2);
}
const byTest = new Map();
for (const file of args) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`tolerance-margins: cannot read ${file}: ${e.message}`);
    process.exit(2);
  }
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const { file: path, test, margin, seed } = JSON.parse(line);
    const key = `${String(path).replace(/^.*\/test\//, 'test/')} > ${test}`;
    const e = byTest.get(key) ?? { worst: -1, checks: 0, seed: undefined };
    const m = margin ?? Infinity; // JSON writes Infinity as null
    if (m > e.worst) [e.worst, e.seed] = [m, seed];
    e.checks++;
    byTest.set(key, e);
  }
}
const rows = [...byTest].sort((a, b) => b[1].worst - a[1].worst).slice(0, top);
console.log('margin  checks    seed  test');
for (const [key, { worst, checks, seed }] of rows) {
  console.log(`${worst.toFixed(3).padStart(6)}  ${String(checks).padStart(6)}  ${String(seed ?? '-').padStart(6)}  ${key}`);
}
