// conv2d (NCHW, weight [cOut, cIn/groups, kH, kW]) with bias and activation fused into the
// kernel's epilogue; its input and weight gradients are two more GEMM-shaped kernels, the
// bias gradient a sum. Kernels: shaders/conv.wgsl, src/backend/cpu/conv.ts.
import type { Conv2dArgs, ConvActivation } from '../backend/types.js';
import type { Tensor } from '../tensor-core.js';
import { unary, where } from './elementwise.js';
import { autocastLow } from './autocast.js';
import { movementRules } from './movement.js';
import { applier, type OpRules, requireFloat } from './registry.js';

export interface Conv2dGeometry {
  stride?: number | [number, number];
  /** zero padding per side, or 'same' (output size = input size; stride 1) / 'valid' (none) */
  padding?: number | [number, number] | 'same' | 'valid';
  dilation?: number | [number, number];
  groups?: number;
}

export interface Conv2dOptions extends Conv2dGeometry {
  /** fused into the kernel's epilogue: act(conv(x) + bias) */
  activation?: ConvActivation;
  /** leakyRelu's negative slope (default 0.01) or elu's α (default 1) */
  alpha?: number;
}

export const pair = (v: number | [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** the output size of a conv / pool along one axis (PyTorch's floor formula) */
export function convOutSize(inLen: number, kernel: number, stride: number, pad: number, dilation: number): number {
  return Math.floor((inLen + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1;
}

export function convArgs(xShape: readonly number[], wShape: readonly number[], stride: [number, number], pad: [number, number], dilation: [number, number], groups: number): Conv2dArgs {
  const [n, cIn, h, w] = xShape;
  const [cOut, cInG, kernelH, kernelW] = wShape;
  if (!Number.isInteger(groups) || groups < 1 || cIn % groups !== 0 || cOut % groups !== 0)
    throw new Error(`webgrad: conv2d: groups ${groups} must divide both the ${cIn} input and ${cOut} output channels`);
  if (cInG !== cIn / groups)
    throw new Error(`webgrad: conv2d: weight [${wShape}] expects ${cInG * groups} input channels (groups ${groups}), the input [${xShape}] has ${cIn}`);
  if ([...stride, ...dilation].some((v) => !Number.isInteger(v) || v < 1) || pad.some((v) => !Number.isInteger(v) || v < 0))
    throw new Error(`webgrad: conv2d: stride [${stride}] and dilation [${dilation}] must be positive integers, padding [${pad}] non-negative`);
  const outH = convOutSize(h, kernelH, stride[0], pad[0], dilation[0]);
  const outW = convOutSize(w, kernelW, stride[1], pad[1], dilation[1]);
  if (outH < 1 || outW < 1)
    throw new Error(`webgrad: conv2d: the ${kernelH}x${kernelW} kernel (dilation [${dilation}]) does not fit the padded ${h}x${w} input`);
  return {
    n, cIn, h, w, cOut, outH, outW, kernelH, kernelW, strideH: stride[0], strideW: stride[1],
    padH: pad[0], padW: pad[1], dilationH: dilation[0], dilationW: dilation[1], groups,
  };
}

const outShapeOf = (a: Conv2dArgs): number[] => [a.n, a.cOut, a.outH, a.outW];

/** d act(z) / dz · g, from the saved output y where it determines z's sign, else from z recomputed */
function activationGrad(g: Tensor, y: Tensor, activation: ConvActivation, alpha: number, preActivation: () => Tensor): Tensor {
  switch (activation) {
    case 'none': return g;
    case 'relu': return g.mul(unary('reluGrad', y));
    case 'leakyRelu': return alpha > 0 ? g.mul(unary('leakyReluGrad', y, alpha)) : g.mul(unary('leakyReluGrad', preActivation(), alpha));
    // elu: for z ≤ 0, α·eᶻ = y + α
    case 'elu': return alpha > 0 ? where(y.greater(0), g, g.mul(y.add(alpha))) : g.mul(unary('eluGrad', preActivation(), alpha));
    // gelu is not invertible from y: recompute the pre-activation (one more forward conv)
    case 'gelu': return g.mul(unary('geluGrad', preActivation()));
  }
}

export const convRules: OpRules<'conv2d' | 'conv2dBackwardInput' | 'conv2dBackwardWeight'> = {
  conv2d: {
    kernel: 'conv2d',
    infer: (inputs, { args }) => {
      inputs.forEach((t) => requireFloat('conv2d', t));
      if (inputs.some((t) => t.dtype !== inputs[0].dtype))
        throw new Error(`webgrad: conv2d: dtypes ${inputs.map((t) => t.dtype).join(', ')} differ (cast with .cast(), or use wg.autocast)`);
      return { shape: outShapeOf(args), dtype: inputs[0].dtype };
    },
    forward: (be, [x, w, b], { args, activation, alpha }, out) =>
      be.conv2d(x.storage, w.storage, b ? b.storage : null, out, args, activation, alpha),
    backward: (g, { inputs: [x, w, b], needs, out, params: { args, activation, alpha } }) => {
      const gz = activationGrad(g, out, activation, alpha, () => apply('conv2d', b ? [x, w, b] : [x, w], { args, activation: 'none', alpha: 0 }));
      return [
        needs[0] ? apply('conv2dBackwardInput', [gz, w], { args }) : null,
        needs[1] ? apply('conv2dBackwardWeight', [gz, x], { args }) : null,
        ...(b ? [needs[2] ? gz.sum([0, 2, 3]) : null] : []),
      ];
    },
  },
  conv2dBackwardInput: {
    kernel: 'conv2dBackwardInput',
    infer: (_, { args: a }) => ({ shape: [a.n, a.cIn, a.h, a.w], dtype: 'float32' }),
    forward: (be, [g, w], { args }, out) => be.conv2dBackwardInput(g.storage, w.storage, out, args),
    // linear in both inputs: dL/dg = conv2d(gx, w), dL/dw = conv2dBackwardWeight(g, gx)
    backward: (gx, { inputs: [g, w], needs, params: { args } }) => [
      needs[0] ? apply('conv2d', [gx, w], { args, activation: 'none', alpha: 0 }) : null,
      needs[1] ? apply('conv2dBackwardWeight', [g, gx], { args }) : null,
    ],
  },
  conv2dBackwardWeight: {
    kernel: 'conv2dBackwardWeight',
    infer: (_, { args: a }) => ({ shape: [a.cOut, a.cIn / a.groups, a.kernelH, a.kernelW], dtype: 'float32' }),
    forward: (be, [g, x], { args }, out) => be.conv2dBackwardWeight(g.storage, x.storage, out, args),
    backward: (gw, { inputs: [g, x], needs, params: { args } }) => [
      needs[0] ? apply('conv2d', [x, gw], { args, activation: 'none', alpha: 0 }) : null,
      needs[1] ? apply('conv2dBackwardInput', [g, gw], { args }) : null,
    ],
  },
};

const apply = applier(convRules);
const applyMovement = applier(movementRules);

/** resolves 'same' / 'valid' / numbers to a symmetric pad plus an extra trailing pad (even kernels) */
function resolvePadding(padding: Conv2dGeometry['padding'], kernel: [number, number], dilation: [number, number], stride: [number, number]): { pad: [number, number]; extra: [number, number] } {
  if (padding === 'valid') return { pad: [0, 0], extra: [0, 0] };
  if (padding === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new Error(`webgrad: conv2d: padding 'same' needs stride 1 (as PyTorch), got [${stride}]`);
    const total = [0, 1].map((i) => dilation[i] * (kernel[i] - 1));
    return { pad: [Math.floor(total[0] / 2), Math.floor(total[1] / 2)], extra: [total[0] % 2, total[1] % 2] };
  }
  return { pad: pair(padding ?? 0), extra: [0, 0] };
}

/** conv2d(x [N, Cin, H, W], weight [Cout, Cin/groups, kH, kW], bias [Cout]?) as torch.nn.functional.conv2d */
export function conv2d(x: Tensor, weight: Tensor, bias?: Tensor | null, opts: Conv2dOptions = {}): Tensor {
  x = autocastLow(x);
  weight = autocastLow(weight);
  if (bias) bias = autocastLow(bias);
  if (x.shape.length !== 4 || weight.shape.length !== 4)
    throw new Error(`webgrad: conv2d: expects x [N, C, H, W] and weight [Cout, Cin/groups, kH, kW], got [${x.shape}] and [${weight.shape}]`);
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== weight.shape[0]))
    throw new Error(`webgrad: conv2d: bias [${bias.shape}] must be [${weight.shape[0]}]`);
  const stride = pair(opts.stride ?? 1);
  const dilation = pair(opts.dilation ?? 1);
  const { pad, extra } = resolvePadding(opts.padding, [weight.shape[2], weight.shape[3]], dilation, stride);
  // an even effective kernel under 'same' pads one more row / column at the end, as PyTorch
  const input = extra[0] || extra[1]
    ? applyMovement('padInto', [x], { shape: [x.shape[0], x.shape[1], x.shape[2] + extra[0], x.shape[3] + extra[1]], starts: [0, 0, 0, 0], steps: [1, 1, 1, 1] })
    : x;
  const args = convArgs(input.shape, weight.shape, stride, pad, dilation, opts.groups ?? 1);
  const activation = opts.activation ?? 'none';
  const alpha = opts.alpha ?? (activation === 'leakyRelu' ? 0.01 : 1);
  return apply('conv2d', bias ? [input, weight, bias] : [input, weight], { args, activation, alpha });
}
