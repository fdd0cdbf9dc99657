// npm run demo [-- --data DIR --port N --host H --no-download]: the demo's Vite dev server.
// A small launcher because the vite CLI rejects options it does not know (--data); the
// folder is handed to demo/vite.config.ts through $WEBGRAD_DATA. Without a local CIFAR-10
// copy it downloads the official archive once into the cache first (the page can also take
// dropped files, so a failed download only warns).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { parseFlags } from '../bench/harness/cli.js';
import { ensureCifar10 } from './cifar-data.js';

const flags = parseFlags('npm run demo --', {
  data: { kind: 'string', describe: 'CIFAR-10 folder (default $WEBGRAD_DATA, then ../shared/datasets/cifar10, then the download cache)' },
  port: { kind: 'int', describe: 'port (default: Vite\'s, 5173)' },
  host: { kind: 'string', describe: 'interface to listen on (default localhost)' },
  'no-download': { kind: 'boolean', describe: 'do not download CIFAR-10 when it is not found' },
});

try {
  try {
    process.env.WEBGRAD_DATA = await ensureCifar10({ dir: flags.data, download: !flags['no-download'] });
  } catch (e) {
    console.warn(`${(e as Error).message}\nThe page will explain how to give it the data.`);
    if (flags.data) process.env.WEBGRAD_DATA = flags.data;
  }
  const server = await createServer({
    configFile: join(dirname(fileURLToPath(import.meta.url)), 'vite.config.ts'),
    server: { port: flags.port, host: flags.host },
  });
  await server.listen();
  server.printUrls();
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
