// Vite config for the demo pages (npm run demo). Besides serving demo/, it publishes a
// CIFAR-10 folder under /data/cifar10/ (with an index.json listing), so the training worker
// can fetch the official batch files by URL. The folder: $WEBGRAD_DATA (the folder itself or
// one holding cifar10/; `npm run demo -- --data DIR` sets it, see serve.ts), else
// ../shared/datasets/cifar10 from the repo root.
import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const demoDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(demoDir, '..');
const DATA_PREFIX = '/data/cifar10/';

/** The CIFAR-10 folder to serve, looked up when the server starts (so callers may set the env first). */
export function cifarDataDir(): string {
  const given = process.env.WEBGRAD_DATA;
  if (given) {
    const dir = resolve(given);
    return existsSync(join(dir, 'cifar10')) ? join(dir, 'cifar10') : dir;
  }
  return resolve(repoRoot, '..', 'shared', 'datasets', 'cifar10');
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const here = readdirSync(dir);
  // the official archive unpacks to cifar-10-batches-bin/: serve that layout too
  const nested = here.includes('cifar-10-batches-bin') ? readdirSync(join(dir, 'cifar-10-batches-bin')).map((f) => `cifar-10-batches-bin/${f}`) : [];
  return [...here, ...nested].filter((f) => /\.(bin|gz|tar|txt)$/.test(f)).map((f) => f.replace('cifar-10-batches-bin/', ''));
}

function sendFile(res: ServerResponse, path: string): void {
  // served as opaque bytes: no Content-Encoding, so the .gz files arrive still gzipped and
  // the loader's own gunzip (by magic bytes) handles them
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Content-Length', String(statSync(path).size));
  createReadStream(path).pipe(res);
}

function serveCifar(): Plugin {
  return {
    name: 'webgrad-serve-cifar10',
    configureServer(server) {
      const dir = cifarDataDir();
      server.config.logger.info(`webgrad demo: CIFAR-10 from ${dir}${existsSync(dir) ? '' : ' (missing: the page explains how to get it)'}`);
      server.middlewares.use((req, res, next) => {
        const url = (req.url ?? '').split('?')[0];
        if (!url.startsWith(DATA_PREFIX)) return next();
        const name = decodeURIComponent(url.slice(DATA_PREFIX.length));
        if (name === 'index.json') {
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ dir, files: listFiles(dir) }));
          return;
        }
        if (name.includes('/') || name.includes('..')) {
          res.statusCode = 400;
          res.end('bad file name');
          return;
        }
        const path = [join(dir, name), join(dir, 'cifar-10-batches-bin', name)].find((p) => existsSync(p));
        if (!path) {
          res.statusCode = 404;
          res.end(`no ${name} in ${dir}`);
          return;
        }
        sendFile(res, path);
      });
    },
  };
}

export default defineConfig({
  root: demoDir,
  plugins: [serveCifar()],
  server: { fs: { allow: [repoRoot] } },
  // pre-bundled up front: discovering them on first use would reload the page mid-run
  optimizeDeps: {
    entries: ['index.html', 'conformance.html', 'classic.html'],
    include: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-core/dist/register_all_gradients', '@tensorflow/tfjs-backend-webgpu', '@tensorflow/tfjs-backend-webgl'],
  },
  worker: { format: 'es' },
  build: {
    outDir: resolve(repoRoot, 'dist-demo'),
    emptyOutDir: true,
    rollupOptions: { input: { index: join(demoDir, 'index.html'), conformance: join(demoDir, 'conformance.html'), classic: join(demoDir, 'classic.html') } },
  },
});
