// In-memory image datasets kept as bytes (60,000 CIFAR images are 184 MB as uint8, four
// times that as float32), plus the growable buffer the streaming parsers fill.

/** Images as uint8 CHW per image, back to back: image i is bytes [i*C*H*W, (i+1)*C*H*W). */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  channels: number;
  height: number;
  width: number;
}

export interface ImageDataset {
  train: ImageSet;
  test: ImageSet;
  classNames: string[];
}

export type Split = 'train' | 'test';

export function imageSize(set: Pick<ImageSet, 'channels' | 'height' | 'width'>): number {
  return set.channels * set.height * set.width;
}

export function emptyImageSet(channels: number, height: number, width: number): ImageSet {
  return { images: new Uint8Array(0), labels: new Uint8Array(0), count: 0, channels, height, width };
}

/** Joins image sets of one image shape in the order given (CIFAR's data_batch_1..5 → train). */
export function concatImageSets(sets: readonly ImageSet[], channels: number, height: number, width: number): ImageSet {
  if (sets.length === 1) return sets[0];
  const count = sets.reduce((n, s) => n + s.count, 0);
  const out: ImageSet = { images: new Uint8Array(count * channels * height * width), labels: new Uint8Array(count), count, channels, height, width };
  let at = 0;
  for (const s of sets) {
    out.images.set(s.images, at * imageSize(out));
    out.labels.set(s.labels, at);
    at += s.count;
  }
  return out;
}

/** A byte buffer that grows by doubling, for data whose length is known only at the end (gzip). */
export class GrowableBytes {
  private buffer: Uint8Array;
  length = 0;

  constructor(initialCapacity = 1 << 16) {
    this.buffer = new Uint8Array(Math.max(16, initialCapacity));
  }

  private reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.buffer.length) return;
    let capacity = this.buffer.length;
    while (capacity < needed) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  push(byte: number): void {
    this.reserve(1);
    this.buffer[this.length++] = byte;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** The bytes written, trimmed (copied only when the buffer has spare room). */
  toBytes(): Uint8Array {
    return this.length === this.buffer.length ? this.buffer : this.buffer.slice(0, this.length);
  }
}
