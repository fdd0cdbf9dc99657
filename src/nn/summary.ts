// wg.nn.summary(model, inputShape): a table of the layers a forward pass calls, with output
// shapes, parameter counts and FLOPs, as torchinfo's summary. It runs one forward on zeros in
// eval mode (batch norm must not update its statistics) under noGrad and tidy, so nothing is
// recorded, kept or changed: modes are restored and every tensor it made is freed.
import { zeros } from '../creation.js';
import { noGrad, tidy } from '../runtime.js';
import type { Tensor } from '../tensor.js';
import { AdaptiveAvgPool2d, AvgPool2d, BatchNorm1d, BatchNorm2d, Conv2d, LayerNorm, MaxPool2d } from './conv-layers.js';
import { Dropout, ELU, Flatten, GELU, LeakyReLU, Linear, Maxout, ReLU, Sigmoid, Tanh } from './layers.js';
import { Module } from './module.js';

export interface SummaryRow {
  /** dotted name ('' for the model itself, '0', 'encoder.fc1') */
  name: string;
  /** the class name */
  type: string;
  /** nesting depth: 0 for the model, 1 for its direct children */
  depth: number;
  inputShape: number[];
  outputShape: number[];
  /** parameters of this module and its descendants */
  params: number;
  /** forward FLOPs (a multiply-add is 2) of this call, null for a leaf layer of a type summary does not know */
  flops: number | null;
}

export interface ModelSummary {
  rows: SummaryRow[];
  inputShape: number[];
  outputShape: number[];
  totalParams: number;
  trainableParams: number;
  /** the model's forward FLOPs: the sum over the layers summary knows (see `unknownFlops`) */
  totalFlops: number;
  /** names of leaf layers whose FLOPs are not counted */
  unknownFlops: string[];
  toString(): string;
}

const prod = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);

/**
 * Forward FLOPs of a leaf layer (a multiply-add counts 2): Linear 2·in·out per row (+ out for
 * the bias), Conv2d 2·(C_in/groups)·kH·kW per output element (+1 with bias), pooling one per
 * window element, activations one per element, batch norm 2 per element (eval: one scale and
 * shift), layer norm 5 per element (+2 with affine), Flatten / Dropout (eval) none.
 */
function leafFlops(m: Module, x: readonly number[], y: readonly number[]): number | null {
  const out = prod(y);
  if (m instanceof Linear) return out * (2 * m.inFeatures + (m.bias ? 1 : 0));
  if (m instanceof Conv2d) return out * (2 * (m.inChannels / (m.opts.groups ?? 1)) * m.kernelSize[0] * m.kernelSize[1] + (m.bias ? 1 : 0));
  if (m instanceof MaxPool2d || m instanceof AvgPool2d) {
    const k = typeof m.kernelSize === 'number' ? [m.kernelSize, m.kernelSize] : m.kernelSize;
    return out * k[0] * k[1];
  }
  if (m instanceof AdaptiveAvgPool2d) return prod(x);
  if (m instanceof BatchNorm1d || m instanceof BatchNorm2d) return 2 * out;
  if (m instanceof LayerNorm) return (m.weight ? 7 : 5) * out;
  if (m instanceof Maxout) return prod(x);
  if (m instanceof ReLU || m instanceof LeakyReLU || m instanceof ELU || m instanceof Sigmoid || m instanceof Tanh || m instanceof GELU) return out;
  if (m instanceof Flatten || m instanceof Dropout) return 0;
  return null;
}

/**
 * Runs `model` once on zeros of `inputShape` (batch axis included, e.g. [1, 3, 32, 32]) and
 * tabulates every module the forward calls, in call order.
 */
export function summary(model: Module, inputShape: readonly number[]): ModelSummary {
  if (!inputShape.every((d) => Number.isInteger(d) && d > 0)) throw new Error(`webgrad: summary: inputShape [${inputShape}] must be positive integers`);
  const modules = model.namedModules();
  const modes = modules.map(([, m]) => m.training);
  const rows: SummaryRow[] = [];
  const ownForward = new Map<Module, PropertyDescriptor | undefined>();
  const stack: { flops: number; unknown: boolean }[] = [];
  const unknownFlops: string[] = [];
  let outputShape: number[] = [];
  let totalFlops = 0;
  model.eval();
  try {
    for (const [name, m] of modules) {
      ownForward.set(m, Object.getOwnPropertyDescriptor(m, 'forward'));
      const inner = m.forward;
      const depth = name === '' ? 0 : name.split('.').length;
      const hasChildren = m.children().length > 0;
      // an own property shadows the class's forward for this instance only; removed below
      Object.defineProperty(m, 'forward', {
        configurable: true, writable: true, enumerable: false,
        value: (x: Tensor): Tensor => {
          const row: SummaryRow = { name, type: m.constructor.name, depth, inputShape: [...x.shape], outputShape: [], params: m.parameterCount(), flops: 0 };
          rows.push(row);
          stack.push({ flops: 0, unknown: false });
          const y = inner.call(m, x);
          const own = stack.pop()!;
          row.outputShape = [...y.shape];
          let flops: number | null = own.flops;
          if (!hasChildren) {
            flops = leafFlops(m, x.shape, y.shape);
            if (flops === null) unknownFlops.push(name || m.constructor.name);
          } else if (own.unknown) flops = null;
          row.flops = flops;
          if (m === model) totalFlops = flops ?? own.flops;
          const parent = stack[stack.length - 1];
          if (parent) {
            parent.flops += flops ?? own.flops;
            parent.unknown ||= flops === null;
          }
          return y;
        },
      });
    }
    tidy(() => noGrad(() => {
      outputShape = [...model.forward(zeros(inputShape)).shape];
    }));
  } finally {
    for (const [m, desc] of ownForward) {
      if (desc) Object.defineProperty(m, 'forward', desc);
      else delete (m as { forward?: unknown }).forward;
    }
    modules.forEach(([, m], i) => (m.training = modes[i]));
  }
  const params = model.parameters();
  return {
    rows, inputShape: [...inputShape], outputShape, unknownFlops,
    totalParams: params.reduce((n, p) => n + p.size, 0),
    trainableParams: params.filter((p) => p.requiresGrad).reduce((n, p) => n + p.size, 0),
    totalFlops,
    toString() {
      return formatSummary(this);
    },
  };
}

const count = (n: number): string => n.toLocaleString('en-US');

/** 1234567 → '1.23 M' */
function flopsText(n: number): string {
  if (n < 1e3) return String(n);
  const [div, unit] = n >= 1e9 ? [1e9, 'G'] : n >= 1e6 ? [1e6, 'M'] : [1e3, 'K'];
  return `${(n / div).toFixed(2)} ${unit}`;
}

function formatSummary(s: ModelSummary): string {
  const table = [['Layer (type)', 'Output shape', 'Params', 'FLOPs']];
  for (const r of s.rows) {
    table.push([`${'  '.repeat(r.depth)}${r.name ? `${r.name} (${r.type})` : r.type}`, `[${r.outputShape.join(', ')}]`, count(r.params), r.flops === null ? '?' : flopsText(r.flops)]);
  }
  const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
  const line = (row: string[]): string => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('   ');
  const rule = '─'.repeat(widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1));
  return [
    line(table[0]), rule, ...table.slice(1).map(line), rule,
    `Input shape: [${s.inputShape.join(', ')}]   Output shape: [${s.outputShape.join(', ')}]`,
    `Total params: ${count(s.totalParams)}   Trainable: ${count(s.trainableParams)}`,
    `Forward FLOPs: ${flopsText(s.totalFlops)}${s.unknownFlops.length ? ` (not counted: ${s.unknownFlops.join(', ')})` : ''}`,
  ].join('\n');
}
