// CIFAR-10 in its official binary layout: records of 3073 bytes (a label byte 0–9, then
// 1024 R, 1024 G, 1024 B bytes of a 32x32 image, row-major), in data_batch_1..5.bin and
// test_batch.bin, plain, gzip'd, or inside cifar-10-binary.tar.gz. Parsed as a stream,
// record by record, in the browser and in Node alike.
import { concatImageSets, emptyImageSet, GrowableBytes, type ImageDataset, type ImageSet, type Split } from './dataset.js';
import {
  forEachChunk, gunzipIfNeeded, openSource, peekBytes, ProgressTracker, readAllBytes, sourceName,
  type DatasetSource, type OpenedSource, type ProgressCallback,
} from './source.js';
import { looksLikeTar, TAR_BLOCK, TarReader } from './tar.js';

export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
export const CIFAR10_IMAGE_BYTES = 3 * 32 * 32;
export const CIFAR10_RECORD_BYTES = 1 + CIFAR10_IMAGE_BYTES;
/** records per official batch file, used to size buffers up front */
const RECORDS_PER_BATCH = 10_000;

/**
 * Splits a stream of CIFAR-10 records into labels and image bytes as chunks arrive,
 * checking each label byte; `finish` checks that the file ended on a record boundary.
 */
export class CifarRecordParser {
  private offset = 0;
  private readonly labels = new GrowableBytes(RECORDS_PER_BATCH);
  private readonly images = new GrowableBytes(RECORDS_PER_BATCH * CIFAR10_IMAGE_BYTES);

  constructor(readonly file: string) {}

  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      const inRecord = this.offset % CIFAR10_RECORD_BYTES;
      if (inRecord === 0) {
        const label = chunk[at];
        if (label > 9)
          throw new Error(`webgrad: ${this.file}: bad label byte ${label} at byte offset ${this.offset} (record ${this.offset / CIFAR10_RECORD_BYTES}): CIFAR-10 labels are 0–9`);
        this.labels.push(label);
        at++;
        this.offset++;
      } else {
        const n = Math.min(CIFAR10_RECORD_BYTES - inRecord, chunk.length - at);
        this.images.append(chunk.subarray(at, at + n));
        at += n;
        this.offset += n;
      }
    }
  }

  finish(): ImageSet {
    const partial = this.offset % CIFAR10_RECORD_BYTES;
    if (this.offset === 0) throw new Error(`webgrad: ${this.file}: the file is empty (byte offset 0): no CIFAR-10 records`);
    if (partial !== 0) {
      const start = this.offset - partial;
      const hint = this.offset % 3074 === 0 ? ' Its length is a multiple of 3074 bytes: this looks like CIFAR-100 (two label bytes), not CIFAR-10.'
        : this.offset % CIFAR10_IMAGE_BYTES === 0 ? ' Its length is a multiple of 3072 bytes: images without label bytes?' : '';
      throw new Error(`webgrad: ${this.file}: ${this.offset} bytes is not a whole number of ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 records: the record at byte offset ${start} has only ${partial} of its ${CIFAR10_RECORD_BYTES} bytes (the file is truncated or has the wrong record size).${hint}`);
    }
    const count = this.offset / CIFAR10_RECORD_BYTES;
    return { images: this.images.toBytes(), labels: this.labels.toBytes(), count, channels: 3, height: 32, width: 32 };
  }
}

/** Parses one whole CIFAR-10 batch file that is already in memory (not gzip'd). */
export function parseCifar10Batch(bytes: Uint8Array, file = 'buffer'): ImageSet {
  const parser = new CifarRecordParser(file);
  parser.push(bytes);
  return parser.finish();
}

/** What a file inside a CIFAR-10 folder or archive is, by its name. */
type CifarFileRole = { role: 'batch'; split: Split; order: number } | { role: 'classNames' } | { role: 'ignored' };

export function cifarFileRole(name: string): CifarFileRole {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const train = /^data_batch_(\d+)\.bin(\.gz)?$/.exec(base);
  if (train) return { role: 'batch', split: 'train', order: Number(train[1]) };
  if (/^test_batch\.bin(\.gz)?$/.test(base)) return { role: 'batch', split: 'test', order: 0 };
  if (/^batches\.meta\.txt$/.test(base)) return { role: 'classNames' };
  return { role: 'ignored' };
}

export interface CifarReadOptions {
  onProgress?: ProgressCallback;
  /** which splits to parse (default both); an unrequested split comes back empty */
  splits?: readonly Split[];
}

/** Collects parsed batches and class names from any mix of files and archives. */
class CifarCollector {
  readonly batches: { split: Split; order: number; set: ImageSet; file: string }[] = [];
  classNames: string[] | undefined;
  constructor(private readonly splits: readonly Split[]) {}

  wants(split: Split): boolean {
    return this.splits.includes(split);
  }

  /** Reads one opened source: a tar archive (of any names) or a single batch file. */
  async read(opened: OpenedSource, stream: ReadableStream<Uint8Array>): Promise<void> {
    const { stream: inflated } = await gunzipIfNeeded(stream, opened.name);
    const { head, stream: body } = await peekBytes(inflated, TAR_BLOCK);
    if (looksLikeTar(head)) return this.readArchive(opened.name, body);
    const role = cifarFileRole(opened.name);
    if (role.role === 'classNames') {
      this.classNames = parseClassNames(await readAllBytes(body, opened.name));
    } else if (role.role === 'batch') {
      const parser = new CifarRecordParser(opened.name);
      await forEachChunk(body, opened.name, (chunk) => parser.push(chunk));
      this.batches.push({ split: role.split, order: role.order, set: parser.finish(), file: opened.name });
    } else {
      await body.cancel();
      throw new Error(`webgrad: cannot tell what '${opened.name}' is: a CIFAR-10 file must be named data_batch_N.bin, test_batch.bin (optionally .gz) or batches.meta.txt, or be a tar archive of them; pass { name, data } to name a buffer`);
    }
  }

  private async readArchive(archive: string, body: ReadableStream<Uint8Array>): Promise<void> {
    let open: { parser: CifarRecordParser; role: { split: Split; order: number } } | null = null;
    let metaChunks: Uint8Array[] | null = null;
    const closeOpenEntry = (): void => {
      if (open) this.batches.push({ ...open.role, set: open.parser.finish(), file: open.parser.file });
      if (metaChunks) this.classNames = parseClassNames(concatBytes(metaChunks));
      open = null;
      metaChunks = null;
    };
    const tar = new TarReader(archive, (entry) => {
      closeOpenEntry();
      const role = cifarFileRole(entry.name);
      if (role.role === 'batch' && this.wants(role.split)) {
        const parser = new CifarRecordParser(`${archive}:${entry.name}`);
        open = { parser, role };
        return (chunk) => parser.push(chunk);
      }
      if (role.role === 'classNames') {
        const chunks: Uint8Array[] = [];
        metaChunks = chunks;
        return (chunk) => chunks.push(chunk.slice());
      }
      return null;
    });
    await forEachChunk(body, archive, (chunk) => tar.push(chunk));
    tar.finish();
    closeOpenEntry();
  }

  /** The result; a requested split with no batch is an error that lists what was read. */
  result(): ImageDataset {
    const splitSet = (split: Split): ImageSet => {
      const parts = this.batches.filter((b) => b.split === split).sort((a, b) => a.order - b.order);
      if (parts.length === 0) {
        if (!this.wants(split)) return emptyImageSet(3, 32, 32);
        const seen = this.batches.map((b) => b.file).join(', ') || 'no batch files';
        throw new Error(`webgrad: CIFAR-10: no ${split === 'train' ? 'data_batch_N.bin' : 'test_batch.bin'} among the sources (read: ${seen})`);
      }
      return concatImageSets(parts.map((p) => p.set), 3, 32, 32);
    };
    return { train: splitSet('train'), test: splitSet('test'), classNames: this.classNames ?? [...CIFAR10_CLASSES] };
  }
}

function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new GrowableBytes(chunks.reduce((n, c) => n + c.length, 0));
  for (const c of chunks) out.append(c);
  return out.toBytes();
}

function parseClassNames(bytes: Uint8Array): string[] {
  return new TextDecoder().decode(bytes).split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/**
 * Reads CIFAR-10 from sources: batch files (plain or .gz, named data_batch_N.bin /
 * test_batch.bin), batches.meta.txt, or the official cifar-10-binary.tar.gz (recognised by
 * content). Works in the browser (URLs, dropped File objects, ArrayBuffers) and Node
 * (paths too). Files for unrequested splits are not read.
 */
export async function readCifar10(sources: DatasetSource | readonly DatasetSource[], opts: CifarReadOptions = {}): Promise<ImageDataset> {
  const list = Array.isArray(sources) ? (sources as readonly DatasetSource[]) : [sources as DatasetSource];
  const collector = new CifarCollector(opts.splits ?? ['train', 'test']);
  const needed = list.map((source, i) => ({ source, name: sourceName(source, `buffer ${i}`) })).filter(({ name }) => {
    const role = cifarFileRole(name);
    return role.role !== 'batch' || collector.wants(role.split);
  });
  const opened = await Promise.all(needed.map(({ source, name }) => openSource(source, name)));
  const progress = ProgressTracker.forSizes(opened.map((o) => o.size), opts.onProgress);
  for (const o of opened) await collector.read(o, progress.track(o));
  return collector.result();
}
