// The page: starts the training worker and shows what it reports. The result is also left
// on window.webgradExample so a test can read it.
import type { WorkerMessage } from './protocol.js';

const log = document.getElementById('log')!;
const print = (text: string): void => {
  log.textContent += `${text}\n`;
};

// Vite bundles the worker (and webgrad with it) from this URL pattern
const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
  const msg = event.data;
  if (msg.type === 'log') print(msg.text);
  else if (msg.type === 'done') print(`done on ${msg.backend}: test accuracy ${(100 * msg.accuracy).toFixed(1)}% in ${msg.seconds.toFixed(1)} s`);
  else print(`error: ${msg.message}`);
  if (msg.type !== 'log') (window as unknown as { webgradExample: WorkerMessage }).webgradExample = msg;
};
worker.onerror = (e) => {
  print(`worker error: ${e.message}`);
  (window as unknown as { webgradExample: WorkerMessage }).webgradExample = { type: 'error', message: e.message };
};
