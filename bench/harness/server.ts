// Serves the repository over http on 127.0.0.1 with Vite's dev server, so a bench page can
// import webgrad straight from src/ (TypeScript) and npm packages such as tfjs. WebGPU needs
// a secure context: 127.0.0.1 counts as one, file:// pages do not.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface BenchServer {
  /** base URL ending in '/', e.g. http://127.0.0.1:5188/ */
  url: string;
  close(): Promise<void>;
}

/** `prebundle`: packages Vite should bundle up front (big CommonJS-ish deps such as tfjs), so the first page load does not stall on discovery. */
export async function startBenchServer(opts: { prebundle?: string[] } = {}): Promise<BenchServer> {
  const server: ViteDevServer = await createServer({
    root: REPO_ROOT,
    configFile: false,
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: 5188, strictPort: false, hmr: false },
    optimizeDeps: { include: opts.prebundle ?? [] },
  });
  await server.listen();
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('bench: the Vite server did not report a local URL');
  return { url, close: () => server.close() };
}
