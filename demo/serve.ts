// npm run demo [-- --data DIR --port N --host H]: the demo's Vite dev server. A small
// launcher because the vite CLI rejects options it does not know (--data); the folder is
// handed to demo/vite.config.ts through $WEBGRAD_DATA.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const USAGE = 'usage: npm run demo -- [--data DIR] [--port N] [--host HOST]';

function parse(argv: readonly string[]): { data?: string; port?: number; host?: string } {
  const out: { data?: string; port?: number; host?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => inline ?? argv[++i] ?? (() => { throw new Error(`${key} needs a value\n${USAGE}`); })();
    if (key === '--data') out.data = value();
    else if (key === '--port') out.port = Number(value());
    else if (key === '--host') out.host = value();
    else throw new Error(`unknown option ${argv[i]}\n${USAGE}`);
  }
  return out;
}

try {
  const opts = parse(process.argv.slice(2));
  if (opts.data) process.env.WEBGRAD_DATA = opts.data;
  const server = await createServer({
    configFile: join(dirname(fileURLToPath(import.meta.url)), 'vite.config.ts'),
    server: { port: opts.port, host: opts.host },
  });
  await server.listen();
  server.printUrls();
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
