// Node only (reached from 'webgrad/node'): downloads into a cache folder. The file is
// written to `<name>.partial` while its MD5 is computed, and renamed into place only when
// the whole body arrived and the checksum matches, so a broken or wrong download is never
// kept or reused.
import { createHash } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readCifar10 } from './cifar10.js';
import type { ImageDataset } from './dataset.js';
import { CIFAR10_ARCHIVE_NAME, CIFAR10_MD5, CIFAR10_URL, checkCifar10Complete, type DownloadOptions } from './download.js';
import { defaultCacheDir } from './locate.js';
import type { LoadProgress, ProgressCallback } from './source.js';

export interface DownloadFileOptions {
  /** the expected MD5 as hex; a mismatch deletes the download and throws */
  md5?: string;
  onProgress?: ProgressCallback;
}

function describeFailure(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

/**
 * Downloads `url` to the file `dest` (its folder is created) unless that file exists.
 * Returns `dest`. Network failures throw an error naming the URL, the cause and the file to
 * put in place by hand.
 */
export async function downloadFile(url: string, dest: string, opts: DownloadFileOptions = {}): Promise<string> {
  if ((await stat(dest).catch(() => null))?.isFile()) return dest;
  const name = basename(dest);
  const manual = `Without internet, fetch ${url} elsewhere and put it at ${dest}.`;
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    throw new Error(`webgrad: downloading ${url} failed (${describeFailure(e)}). ${manual}`);
  }
  if (!response.ok || !response.body) throw new Error(`webgrad: downloading ${url} failed: HTTP ${response.status} ${response.statusText}. ${manual}`);
  const length = Number(response.headers.get('content-length'));
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  const total = Number.isFinite(length) && length > 0 && !encoded ? length : undefined;
  await mkdir(dirname(dest), { recursive: true });
  const partial = `${dest}.partial`;
  const hash = createHash('md5');
  const file = await open(partial, 'w');
  let done = 0;
  try {
    const reader = response.body.getReader();
    opts.onProgress?.({ bytesDone: 0, bytesTotal: total, file: name });
    for (;;) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new Error(`webgrad: downloading ${url} broke off after ${done} bytes (${describeFailure(e)}). ${manual}`);
      }
      if (r.done) break;
      hash.update(r.value);
      await file.write(r.value);
      done += r.value.length;
      opts.onProgress?.({ bytesDone: done, bytesTotal: total, file: name });
    }
    await file.close();
    if (total !== undefined && done !== total) throw new Error(`webgrad: downloading ${url} ended after ${done} of ${total} bytes. ${manual}`);
    const md5 = hash.digest('hex');
    if (opts.md5 && md5 !== opts.md5.toLowerCase())
      throw new Error(`webgrad: the download of ${url} has MD5 ${md5}, expected ${opts.md5}: the file is corrupt or not the expected one, so it was not kept. ${manual}`);
    await rename(partial, dest);
    return dest;
  } catch (e) {
    await file.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw e;
  }
}

/** The cache folder downloads go to: the `cacheDir` option, else defaultCacheDir(). */
export async function cacheDirOf(opts: { cacheDir?: string }): Promise<string> {
  return opts.cacheDir ?? (await defaultCacheDir());
}

/**
 * The path of the official cifar-10-binary.tar.gz in the cache folder, downloaded (170 MB,
 * MD5-checked) on the first call.
 */
export async function fetchCifar10Archive(opts: DownloadOptions = {}): Promise<string> {
  const dest = join(await cacheDirOf(opts), CIFAR10_ARCHIVE_NAME);
  return downloadFile(opts.url ?? CIFAR10_URL, dest, { md5: opts.md5 ?? CIFAR10_MD5, onProgress: opts.onProgress });
}

/**
 * Node: downloads the official CIFAR-10 archive once into the cache folder (checking its
 * MD5) and returns the parsed data set; later calls read the cached file. Progress reports
 * the download, then the parse.
 */
export async function downloadCifar10(opts: DownloadOptions = {}): Promise<ImageDataset> {
  const path = await fetchCifar10Archive(opts);
  const data = await readCifar10(path, { onProgress: opts.onProgress });
  checkCifar10Complete(data, path);
  return data;
}

function megabytes(n: number): string {
  return (n / 1e6).toFixed(1);
}

/**
 * A progress callback that draws a bar on stderr: redrawn in place on a terminal, one line
 * per 10% otherwise (logs). `label` prefixes it.
 */
export function progressBar(label = 'download', stream: NodeJS.WriteStream = process.stderr): ProgressCallback {
  const start = Date.now();
  let lastTenth = -1;
  let lastDraw = 0;
  return ({ bytesDone, bytesTotal, file }: LoadProgress) => {
    const seconds = Math.max(1e-3, (Date.now() - start) / 1000);
    const rate = `${megabytes(bytesDone / seconds)} MB/s`;
    const fraction = bytesTotal ? Math.min(1, bytesDone / bytesTotal) : undefined;
    const finished = bytesTotal !== undefined && bytesDone >= bytesTotal;
    if (stream.isTTY) {
      const now = Date.now();
      if (!finished && now - lastDraw < 100) return;
      lastDraw = now;
      const width = 30;
      const bar = fraction === undefined ? '' : `[${'#'.repeat(Math.round(fraction * width)).padEnd(width, '.')}] ${(fraction * 100).toFixed(0).padStart(3)}% `;
      const size = bytesTotal ? `${megabytes(bytesDone)}/${megabytes(bytesTotal)} MB` : `${megabytes(bytesDone)} MB`;
      stream.write(`\r${label} ${file} ${bar}${size} ${rate}\x1b[K${finished ? '\n' : ''}`);
      return;
    }
    const tenth = fraction === undefined ? Math.floor(bytesDone / 1e7) : Math.floor(fraction * 10);
    if (tenth === lastTenth) return;
    lastTenth = tenth;
    const at = fraction === undefined ? `${megabytes(bytesDone)} MB` : `${(fraction * 100).toFixed(0)}% of ${megabytes(bytesTotal!)} MB`;
    stream.write(`${label} ${file}: ${at} (${rate})\n`);
  };
}
