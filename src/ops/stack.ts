// stack / split / chunk (torch.stack, torch.split, torch.chunk), composed from reshape, concat
// and slice: their gradients come from those ops' rules (concat's backward slices, slice's
// scatters into zeros), so there is no kernel or backward of their own to keep in step.
import type { Tensor } from '../tensor-core.js';
import { concat, reshape, slice } from './movement.js';
import { normAxis } from './registry.js';

/** Joins same-shaped tensors along a new axis (−(rank+1) ≤ axis ≤ rank), as torch.stack. */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('webgrad: stack: needs at least one tensor');
  const shape = xs[0].shape;
  xs.forEach((x, i) => {
    if (x.shape.length !== shape.length || x.shape.some((d, j) => d !== shape[j]))
      throw new Error(`webgrad: stack: tensor ${i} has shape [${x.shape}] but tensor 0 has [${shape}]; stack needs equal shapes`);
  });
  const a = normAxis('stack', axis, shape.length + 1);
  const grown = [...shape.slice(0, a), 1, ...shape.slice(a)];
  return concat(xs.map((x) => reshape(x, grown)), a);
}

/**
 * Splits x along `axis` into pieces of `sizeOrSections` elements (the last one smaller when it
 * does not divide), or into pieces of the listed sizes (which must sum to the axis' length), as
 * torch.split. The pieces are copies (webgrad has no strided views of a storage).
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  if (x.shape.length === 0) throw new Error('webgrad: split: cannot split a 0-d tensor');
  const a = normAxis('split', axis, x.shape.length);
  const len = x.shape[a];
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    const s = sizeOrSections;
    if (!Number.isInteger(s) || s <= 0) throw new Error(`webgrad: split: size ${s} must be a positive integer`);
    sizes = len === 0 ? [0] : Array.from({ length: Math.ceil(len / s) }, (_, i) => Math.min(s, len - i * s));
  } else {
    sizes = [...sizeOrSections];
    const total = sizes.reduce((p, q) => p + q, 0);
    if (!sizes.every((s) => Number.isInteger(s) && s >= 0) || total !== len)
      throw new Error(`webgrad: split: sections [${sizes}] must be non-negative integers summing to ${len}, the length of axis ${a} of [${x.shape}]`);
  }
  let start = 0;
  return sizes.map((s) => {
    const ranges: ([number, number] | null)[] = x.shape.map(() => null);
    ranges[a] = [start, start + s];
    start += s;
    return slice(x, ranges);
  });
}

/**
 * Splits x into `chunks` pieces along `axis`, each ⌈len / chunks⌉ long (the last shorter), as
 * torch.chunk: fewer pieces come back when the length runs out first (chunk(arange(5), 4) gives
 * lengths 2, 2, 1).
 */
export function chunk(x: Tensor, chunks: number, axis = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`webgrad: chunk: chunks ${chunks} must be a positive integer`);
  if (x.shape.length === 0) throw new Error('webgrad: chunk: cannot chunk a 0-d tensor');
  const len = x.shape[normAxis('chunk', axis, x.shape.length)];
  return split(x, Math.max(1, Math.ceil(len / chunks)), axis);
}
