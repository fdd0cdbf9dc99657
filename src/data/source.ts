// Byte sources for datasets: Node file paths, URLs (fetch), Blob/File objects (dropped
// files) and in-memory buffers, all read as web ReadableStreams so one parser serves the
// browser and Node. gzip is recognised by its magic bytes, not the file name, so a
// renamed or already-decompressed file still works.

/** Where dataset bytes come from. A string is a URL in the browser; in Node it is a URL when it has a scheme (http:, https:, data:), otherwise a file path (file paths and file: URLs need 'webgrad/node'). */
export type ByteSource = string | URL | Blob | ArrayBuffer | ArrayBufferView | ReadableStream<Uint8Array>;

/** A source with an explicit name, for buffers and streams (which have none) or to rename a source. */
export interface NamedSource {
  name: string;
  data: ByteSource;
  /** the byte count, for progress, when `data` is a stream */
  size?: number;
}

export type DatasetSource = ByteSource | NamedSource;

/** Reported while reading: bytes read from the sources (compressed bytes for .gz). */
export interface LoadProgress {
  bytesDone: number;
  /** the sum of the source sizes, or undefined while some size is unknown (a URL without Content-Length) */
  bytesTotal: number | undefined;
  /** the file being read */
  file: string;
}

export type ProgressCallback = (progress: LoadProgress) => void;

/** An opened source: its name, its size when known, and a stream of its bytes. */
export interface OpenedSource {
  name: string;
  size: number | undefined;
  stream: ReadableStream<Uint8Array>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

export const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

function isNamedSource(s: DatasetSource): s is NamedSource {
  return typeof s === 'object' && s !== null && 'name' in s && 'data' in s && !(s instanceof Blob);
}

function baseName(path: string): string {
  const clean = path.split(/[?#]/)[0];
  return clean.slice(Math.max(clean.lastIndexOf('/'), clean.lastIndexOf('\\')) + 1) || path;
}

/** A display name for a source: a File's name, a path's or URL's last segment, or `fallback`. */
export function sourceName(source: DatasetSource, fallback = 'buffer'): string {
  if (isNamedSource(source)) return source.name;
  if (typeof source === 'string') return baseName(source);
  if (source instanceof URL) return baseName(source.pathname);
  if (typeof File !== 'undefined' && source instanceof File) return source.name;
  return fallback;
}

function hasUrlScheme(s: string): boolean {
  return /^[a-z][a-z0-9+.-]+:/i.test(s) && !/^[a-z]:[\\/]/i.test(s); // not a Windows drive letter
}

function bufferStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

/**
 * Opens a file path in Node. Set by 'webgrad/node' (src/data/node-files.ts), so the browser
 * entry point never imports node:fs; in Node without that import a path is an error that
 * says what to import.
 */
type PathOpener = (path: string) => Promise<OpenedSource>;
let pathOpener: PathOpener | undefined;

export function setPathOpener(open: PathOpener): void {
  pathOpener = open;
}

function openPath(path: string): Promise<OpenedSource> {
  if (!pathOpener)
    throw new Error(`webgrad: reading the file ${path} needs Node's file system: import from 'webgrad/node' (it re-exports everything in 'webgrad') instead of 'webgrad'`);
  return pathOpener(path);
}

async function openUrl(url: string, name: string): Promise<OpenedSource> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`webgrad: fetching ${url} failed: HTTP ${response.status} ${response.statusText}`);
  const length = Number(response.headers.get('content-length'));
  // a server that compresses the transfer reports the compressed length: only trust it when identity-encoded
  const encoded = (response.headers.get('content-encoding') ?? 'identity') !== 'identity';
  return { name, size: Number.isFinite(length) && length > 0 && !encoded ? length : undefined, stream: response.body };
}

/** Opens any dataset source as a byte stream. */
export async function openSource(source: DatasetSource, fallbackName = 'buffer'): Promise<OpenedSource> {
  const name = sourceName(source, fallbackName);
  const data = isNamedSource(source) ? source.data : source;
  if (typeof data === 'string' || data instanceof URL) {
    const text = data.toString();
    if (isNode && (!hasUrlScheme(text) || text.startsWith('file:'))) return { ...(await openPath(text)), name };
    return openUrl(text, name);
  }
  if (data instanceof Blob) return { name, size: data.size, stream: data.stream() };
  if (data instanceof ReadableStream) return { name, size: isNamedSource(source) ? source.size : undefined, stream: data };
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, size: bytes.length, stream: bufferStream(bytes) };
}

/** Counts bytes as they pass and reports them; used on the raw (compressed) side of a source. */
export function countBytes(stream: ReadableStream<Uint8Array>, onChunk: (bytes: number) => void): ReadableStream<Uint8Array> {
  return stream.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      onChunk(chunk.length);
      controller.enqueue(chunk);
    },
  }));
}

/** Reads the first `count` bytes of a stream without consuming them: returns them and a stream that still yields everything. */
export async function peekBytes(stream: ReadableStream<Uint8Array>, count: number): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const seen: Uint8Array[] = [];
  let seenBytes = 0;
  let done = false;
  while (seenBytes < count) {
    const r = await reader.read();
    if (r.done) {
      done = true;
      break;
    }
    seen.push(r.value);
    seenBytes += r.value.length;
  }
  const head = concatChunks(seen, seenBytes).subarray(0, Math.min(count, seenBytes));
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
      if (done) controller.close();
    },
    async pull(controller) {
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { head, stream: replay };
}

/**
 * Decompresses the stream when it starts with the gzip magic bytes; passes it through otherwise.
 * A corrupt gzip stream fails naming `file` (the decompressor's own message, e.g. "invalid code
 * lengths set", says nothing about which of several files it was).
 */
export async function gunzipIfNeeded(stream: ReadableStream<Uint8Array>, file = 'buffer'): Promise<{ gzipped: boolean; stream: ReadableStream<Uint8Array> }> {
  const peeked = await peekBytes(stream, 2);
  const gzipped = peeked.head[0] === GZIP_MAGIC[0] && peeked.head[1] === GZIP_MAGIC[1];
  if (!gzipped) return { gzipped, stream: peeked.stream };
  // DOM and Node's stream typings disagree on the chunk type of DecompressionStream; the bytes are Uint8Arrays in both
  const inflated = peeked.stream.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
  return { gzipped, stream: namedGzipErrors(inflated, file) };
}

function namedGzipErrors(stream: ReadableStream<Uint8Array>, file: string): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        controller.error(new Error(
          `webgrad: ${file}: corrupt gzip data at byte offset ${offset} of the decompressed data: ${(e as Error).message}. The file is truncated or corrupt (download it again).`,
        ));
        return;
      }
      if (r.done) controller.close();
      else {
        offset += r.value.length;
        controller.enqueue(r.value);
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

export function concatChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1 && chunks[0].length === total) return chunks[0];
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * Calls `consume` for every chunk of the stream; a stream error (a truncated or corrupt
 * gzip) becomes an error naming the file and how many bytes had been read.
 */
export async function forEachChunk(stream: ReadableStream<Uint8Array>, file: string, consume: (chunk: Uint8Array) => void): Promise<number> {
  const reader = stream.getReader();
  let offset = 0;
  for (;;) {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await reader.read();
    } catch (e) {
      // already named (a corrupt gzip stream): keep its message
      if ((e as Error).message?.startsWith(`webgrad: ${file}:`)) throw e;
      throw new Error(`webgrad: ${file}: the data ends or breaks at byte offset ${offset} (of the decompressed data): ${(e as Error).message}. The file is truncated or corrupt.`);
    }
    if (r.done) return offset;
    consume(r.value);
    offset += r.value.length;
  }
}

/** Reads a whole stream into one buffer. */
export async function readAllBytes(stream: ReadableStream<Uint8Array>, file: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const total = await forEachChunk(stream, file, (c) => chunks.push(c));
  return concatChunks(chunks, total);
}

/** Tracks progress over several sources whose sizes are summed up front where known. */
export class ProgressTracker {
  private done = 0;
  constructor(private readonly total: number | undefined, private readonly onProgress?: ProgressCallback) {}

  static forSizes(sizes: readonly (number | undefined)[], onProgress?: ProgressCallback): ProgressTracker {
    const known = sizes.every((s) => s !== undefined);
    return new ProgressTracker(known ? sizes.reduce<number>((a, b) => a + (b ?? 0), 0) : undefined, onProgress);
  }

  /** Wraps an opened source's stream so reading it advances the progress. */
  track(opened: OpenedSource): ReadableStream<Uint8Array> {
    if (!this.onProgress) return opened.stream;
    this.onProgress({ bytesDone: this.done, bytesTotal: this.total, file: opened.name });
    return countBytes(opened.stream, (n) => {
      this.done += n;
      this.onProgress?.({ bytesDone: this.done, bytesTotal: this.total, file: opened.name });
    });
  }
}
