// Builds the worker-cnn example page (page + module Worker) with Vite and fails on any
// warning: webgrad must bundle for the browser cleanly (no externalised node: modules, no
// eval, no unresolved imports).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build, createLogger } from 'vite';

const warnings = [];
const base = createLogger('info');
const logger = {
  ...base,
  warn(msg, opts) { warnings.push(msg); base.warn(msg, opts); },
  warnOnce(msg, opts) { warnings.push(msg); base.warnOnce(msg, opts); },
  error(msg, opts) { warnings.push(msg); base.error(msg, opts); },
};
const onLog = (level, log, defaultHandler) => {
  if (level === 'warn') warnings.push(`[${log.code ?? 'warning'}] ${log.message}`);
  defaultHandler(level, log);
};
// Rolldown's "the build spent significant time in plugins" note depends on the machine's load,
// not on the code bundled: off, so a busy CI machine does not fail the check
const rolldownOptions = { onLog, checks: { bundlerTimings: false } };
await build({
  root: 'worker-cnn',
  configFile: false,
  customLogger: logger,
  logLevel: 'info',
  worker: { rolldownOptions }, // Vite's default worker format: webgrad needs no code splitting
  build: { outDir: '../dist-web', emptyOutDir: true, rolldownOptions },
});
// Vite does not warn about a dynamic import('node:…') it cannot follow: look in the output too
for (const file of readdirSync('dist-web/assets').filter((f) => f.endsWith('.js'))) {
  const found = readFileSync(join('dist-web/assets', file), 'utf8').match(/["'`]node:[\w/]+["'`]/g);
  if (found) warnings.push(`dist-web/assets/${file} refers to ${[...new Set(found)].join(', ')}`);
}
if (warnings.length > 0) {
  console.error(`check-package: the Vite build printed ${warnings.length} warning(s); want none:\n${warnings.join('\n')}`);
  process.exit(1);
}
console.log('check-package: Vite build of the worker page: no warnings');
