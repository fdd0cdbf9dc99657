// Reads the JSON lines test/helpers.ts writes under WEBGRAD_TOLERANCE_LOG and prints, per test,
// the largest margin seen over all runs (1 = at the tolerance, above 1 = failed) and how many
// comparisons it made: the tests nearest to failing on fresh random inputs come first.
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
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const { file: path, test, margin } = JSON.parse(line);
    const key = `${String(path).replace(/^.*\/test\//, 'test/')} > ${test}`;
    const e = byTest.get(key) ?? { worst: 0, checks: 0 };
    e.worst = Math.max(e.worst, margin ?? Infinity); // JSON writes Infinity as null
    e.checks++;
    byTest.set(key, e);
  }
}
const rows = [...byTest].sort((a, b) => b[1].worst - a[1].worst).slice(0, top);
console.log('margin  checks  test');
for (const [key, { worst, checks }] of rows) console.log(`${worst.toFixed(3).padStart(6)}  ${String(checks).padStart(6)}  ${key}`);
