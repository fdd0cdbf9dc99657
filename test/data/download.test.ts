// The download path of 'webgrad/node' against a local HTTP server: the archive is fetched
// once into the cache, its MD5 is checked (a mismatch or a cut-off body keeps no file), the
// cached copy is reused, and a server that cannot be reached gives an error naming the URL.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIFAR10_ARCHIVE_NAME, downloadFile, fetchCifar10Archive, progressBar, readCifar10, type LoadProgress } from '../../src/data/node.js';
import { cifarBytes, gzip, tar } from './fixtures.js';

const archive = gzip(tar([
  { name: 'cifar-10-batches-bin/data_batch_1.bin', data: cifarBytes([3, 1, 4]) },
  ...[2, 3, 4, 5].map((i) => ({ name: `cifar-10-batches-bin/data_batch_${i}.bin`, data: cifarBytes([i]) })),
  { name: 'cifar-10-batches-bin/test_batch.bin', data: cifarBytes([9, 2]) },
]));
const md5 = createHash('md5').update(archive).digest('hex');

let server: Server;
let base: string;
const hits = new Map<string, number>();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'webgrad-download-'));
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (path === '/cifar.tar.gz') {
      res.writeHead(200, { 'Content-Length': String(archive.length) }).end(archive);
    } else if (path === '/cut.tar.gz') {
      // promises the whole archive, sends half, then drops the connection
      res.writeHead(200, { 'Content-Length': String(archive.length) });
      res.write(archive.subarray(0, archive.length >> 1), () => res.destroy());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((ok) => server.close(ok));
  await rm(dir, { recursive: true, force: true });
});

describe('downloading into the cache (webgrad/node)', () => {
  it('fetches the archive once with progress, checks its MD5, and reads it from the cache afterwards', async () => {
    const cacheDir = join(dir, 'cache-ok');
    const seen: LoadProgress[] = [];
    const path = await fetchCifar10Archive({ cacheDir, url: `${base}/cifar.tar.gz`, md5, onProgress: (p) => seen.push(p) });
    expect(path).toBe(join(cacheDir, CIFAR10_ARCHIVE_NAME));
    expect(await readdir(cacheDir)).toEqual([CIFAR10_ARCHIVE_NAME]); // no .partial left behind
    expect(seen.at(-1)).toEqual({ bytesDone: archive.length, bytesTotal: archive.length, file: CIFAR10_ARCHIVE_NAME });
    const data = await readCifar10(path);
    expect([...data.train.labels]).toEqual([3, 1, 4, 2, 3, 4, 5]);
    expect([...data.test.labels]).toEqual([9, 2]);
    // the second call is served by the cache: the server sees no new request
    expect(await fetchCifar10Archive({ cacheDir, url: `${base}/cifar.tar.gz`, md5 })).toBe(path);
    expect(hits.get('/cifar.tar.gz')).toBe(1);
  });

  it('keeps nothing when the checksum does not match', async () => {
    const cacheDir = join(dir, 'cache-md5');
    await expect(fetchCifar10Archive({ cacheDir, url: `${base}/cifar.tar.gz` })) // the official archive's MD5
      .rejects.toThrow(new RegExp(`has MD5 ${md5}, expected c32a1d4ab5d03f1284b67883e8d87530.*not kept`));
    expect(await readdir(cacheDir)).toEqual([]);
  });

  it('keeps nothing when the body is cut off', async () => {
    const dest = join(dir, 'cache-cut', 'a.tar.gz');
    await expect(downloadFile(`${base}/cut.tar.gz`, dest, { md5 })).rejects.toThrow(/cut\.tar\.gz (broke off|ended) after \d+/);
    expect(await readdir(join(dir, 'cache-cut'))).toEqual([]);
  });

  it('names the URL, the status and the file to put by hand when the server refuses', async () => {
    const dest = join(dir, 'cache-404', 'x.tar.gz');
    await expect(downloadFile(`${base}/missing.tar.gz`, dest)).rejects.toThrow(/downloading http:\/\/127\.0\.0\.1:\d+\/missing\.tar\.gz failed: HTTP 404.*put it at .*x\.tar\.gz/);
    expect(existsSync(dest)).toBe(false);
  });

  it('offline: a server that cannot be reached gives the cause, not a stack of fetch internals', async () => {
    const closed = createServer();
    await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((ok) => closed.close(ok));
    await expect(downloadFile(`http://127.0.0.1:${port}/a.tar.gz`, join(dir, 'off', 'a.tar.gz')))
      .rejects.toThrow(new RegExp(`downloading http://127\\.0\\.0\\.1:${port}/a\\.tar\\.gz failed \\(ECONNREFUSED\\)\\. Without internet`));
  });

  it('progressBar writes one line per tenth when stderr is not a terminal', () => {
    const lines: string[] = [];
    const bar = progressBar('CIFAR-10', { isTTY: false, write: (s: string) => lines.push(s) } as unknown as NodeJS.WriteStream);
    for (let done = 0; done <= 1000; done += 50) bar({ bytesDone: done, bytesTotal: 1000, file: 'a.tar.gz' });
    expect(lines).toHaveLength(11); // 0%, 10%, ..., 100%
    expect(lines[5]).toMatch(/^CIFAR-10 a\.tar\.gz: 50% of 0\.0 MB/);
  });
});
