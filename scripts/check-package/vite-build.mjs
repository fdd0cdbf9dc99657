// Builds the worker-cnn example page (page + module Worker) with Vite and fails on any
// warning: webgrad must bundle for the browser cleanly (no externalised node: modules, no
// eval, no unresolved imports).
import { build, createLogger } from 'vite';

const warnings = [];
const base = createLogger('info');
const logger = {
  ...base,
  warn(msg, opts) { warnings.push(msg); base.warn(msg, opts); },
  warnOnce(msg, opts) { warnings.push(msg); base.warnOnce(msg, opts); },
  error(msg, opts) { warnings.push(msg); base.error(msg, opts); },
};
const onLog = (level, log) => {
  if (level === 'warn') warnings.push(log.message);
};
await build({
  root: 'worker-cnn',
  configFile: false,
  customLogger: logger,
  logLevel: 'info',
  worker: { format: 'es', rolldownOptions: { onLog } },
  build: { outDir: '../dist-web', emptyOutDir: true, rolldownOptions: { onLog } },
});
if (warnings.length > 0) {
  console.error(`check-package: the Vite build printed ${warnings.length} warning(s); want none`);
  process.exit(1);
}
console.log('check-package: Vite build of the worker page: no warnings');
