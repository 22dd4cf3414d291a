/**
 * Elementwise ops with NumPy broadcasting: arithmetic, activations, the fused gated MLP
 * nonlinearities, where / masked fill, dropout and dtype casts.
 */

import { registerGradient } from '../autograd/gradients.js';
import { runOp } from '../autograd/record.js';
import {
  Add,
  Affine,
  Cast,
  Compare,
  type CompareOp,
  Div,
  Dropout,
  GatedAct,
  GatedActGrad,
  Maximum,
  Minimum,
  Mul,
  Sub,
  Unary,
  UnaryGrad,
  type UnaryOp,
  unaryGradUsesOutput,
  Where,
} from '../kernels/index.js';
import type { TrainingRng } from '../random/training-rng.js';
import { type DType, isFloatDType } from '../tensor/dtype.js';
import { runKernel } from '../tensor/engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { scalar } from './create.js';
import { sumToShape } from './reduce.js';

function checkPair(a: Tensor, b: Tensor, what: string): void {
  a.assertAlive(what);
  b.assertAlive(what);
  if (a.dtype !== b.dtype) throw new TypeError(`${what}: dtypes differ (${a.describe()} and ${b.describe()})`);
}

/** x * s + t (a scalar affine map; differentiable in x). */
export function affine(x: Tensor, s: number, t: number): Tensor {
  x.assertAlive('affine');
  return runOp(Affine, [x], { scale: s, bias: t })[0]!;
}

registerGradient(Affine, {
  grad: ({ dy, attrs }) => [attrs.scale === 1 ? dy : runKernel(Affine, [dy], { scale: attrs.scale, bias: 0 })[0]!],
});

export function scale(x: Tensor, s: number): Tensor {
  return affine(x, s, 0);
}

export function add(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, 1, b);
  checkPair(a, b, 'add');
  return runOp(Add, [a, b], {})[0]!;
}

export function sub(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, 1, -b);
  checkPair(a, b, 'sub');
  return runOp(Sub, [a, b], {})[0]!;
}

export function mul(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, b, 0);
  checkPair(a, b, 'mul');
  return runOp(Mul, [a, b], {})[0]!;
}

export function div(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return affine(a, 1 / b, 0);
  checkPair(a, b, 'div');
  return runOp(Div, [a, b], {})[0]!;
}

registerGradient(Add, {
  grad: ({ dy, inputs, needsGrad }) => [
    needsGrad[0] ? sumToShape(dy, inputs[0]!.shape) : null,
    needsGrad[1] ? sumToShape(dy, inputs[1]!.shape) : null,
  ],
});

registerGradient(Sub, {
  grad: ({ dy, inputs, needsGrad }) => [
    needsGrad[0] ? sumToShape(dy, inputs[0]!.shape) : null,
    needsGrad[1] ? sumToShape(runKernel(Affine, [dy], { scale: -1, bias: 0 })[0]!, inputs[1]!.shape) : null,
  ],
});

registerGradient(Mul, {
  save: (inputs) => [inputs[0]!, inputs[1]!],
  grad: ({ dy, saved, inputs, needsGrad }) => [
    needsGrad[0] ? sumToShape(runKernel(Mul, [dy, saved[1]!], {})[0]!, inputs[0]!.shape) : null,
    needsGrad[1] ? sumToShape(runKernel(Mul, [dy, saved[0]!], {})[0]!, inputs[1]!.shape) : null,
  ],
});

registerGradient(Div, {
  save: (inputs) => [inputs[0]!, inputs[1]!],
  grad: ({ dy, saved, inputs, needsGrad }) => {
    const [a, b] = saved as [Tensor, Tensor];
    const q = runKernel(Div, [dy, b], {})[0]!;
    let db: Tensor | null = null;
    if (needsGrad[1]) {
      const qa = runKernel(Mul, [q, a], {})[0]!;
      const qab = runKernel(Div, [qa, b], {})[0]!;
      db = sumToShape(runKernel(Affine, [qab], { scale: -1, bias: 0 })[0]!, inputs[1]!.shape);
    }
    return [needsGrad[0] ? sumToShape(q, inputs[0]!.shape) : null, db];
  },
});

/** Element-wise minimum (torch.minimum): NaN propagates; on ties each input gets half the gradient. */
export function minimum(a: Tensor, b: Tensor): Tensor {
  checkPair(a, b, 'minimum');
  return runOp(Minimum, [a, b], {})[0]!;
}

/** Element-wise maximum (torch.maximum): NaN propagates; on ties each input gets half the gradient. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  checkPair(a, b, 'maximum');
  return runOp(Maximum, [a, b], {})[0]!;
}

/** 1 where `a op b` holds, else 0, in the inputs' dtype (broadcasting; no gradient). */
export function compare(a: Tensor, b: Tensor, op: CompareOp): Tensor {
  checkPair(a, b, 'compare');
  return runKernel(Compare, [a, b], { op })[0]!;
}

/**
 * torch's rule for min/max: the input that loses gets 0, a tie gives each half:
 * d = dy * (1 - [self loses] - 0.5 * [tie]), so NaN (which neither wins nor ties) passes dy on.
 */
function minMaxGrad(dy: Tensor, self: Tensor, other: Tensor, loses: CompareOp, shape: readonly number[]): Tensor {
  const lost = runKernel(Compare, [self, other], { op: loses })[0]!;
  const tie = runKernel(Compare, [self, other], { op: 'eq' })[0]!;
  const kept = runKernel(
    Affine,
    [runKernel(Add, [lost, runKernel(Affine, [tie], { scale: 0.5, bias: 0 })[0]!], {})[0]!],
    {
      scale: -1,
      bias: 1,
    },
  )[0]!;
  return sumToShape(runKernel(Mul, [dy, kept], {})[0]!, shape);
}

registerGradient(Minimum, {
  save: (inputs) => [inputs[0]!, inputs[1]!],
  grad: ({ dy, saved: [a, b], inputs, needsGrad }) => [
    needsGrad[0] ? minMaxGrad(dy, a!, b!, 'gt', inputs[0]!.shape) : null,
    needsGrad[1] ? minMaxGrad(dy, b!, a!, 'gt', inputs[1]!.shape) : null,
  ],
});

registerGradient(Maximum, {
  save: (inputs) => [inputs[0]!, inputs[1]!],
  grad: ({ dy, saved: [a, b], inputs, needsGrad }) => [
    needsGrad[0] ? minMaxGrad(dy, a!, b!, 'lt', inputs[0]!.shape) : null,
    needsGrad[1] ? minMaxGrad(dy, b!, a!, 'lt', inputs[1]!.shape) : null,
  ],
});

function unaryOp(op: UnaryOp, x: Tensor): Tensor {
  x.assertAlive(op);
  return runOp(Unary, [x], { op })[0]!;
}

registerGradient(Unary, {
  save: (inputs, outputs, attrs) => [unaryGradUsesOutput(attrs.op) ? outputs[0]! : inputs[0]!],
  grad: ({ dy, saved, attrs }) => runKernel(UnaryGrad, [saved[0]!, dy], { op: attrs.op }),
});

export const neg = (x: Tensor): Tensor => unaryOp('neg', x);
export const exp = (x: Tensor): Tensor => unaryOp('exp', x);
export const log = (x: Tensor): Tensor => unaryOp('log', x);
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x);
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x);
/** log(sigmoid(x)), stable for any magnitude (DPO losses). */
export const logSigmoid = (x: Tensor): Tensor => unaryOp('log_sigmoid', x);
export const silu = (x: Tensor): Tensor => unaryOp('silu', x);
/** GELU, tanh approximation (HF `gelu_pytorch_tanh`, Gemma's `hidden_activation`). */
export const gelu = (x: Tensor): Tensor => unaryOp('gelu', x);
export const relu = (x: Tensor): Tensor => unaryOp('relu', x);
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x);
export const square = (x: Tensor): Tensor => unaryOp('square', x);

function gated(act: 'silu' | 'gelu', gate: Tensor, up: Tensor): Tensor {
  checkPair(gate, up, act === 'silu' ? 'swiglu' : 'geglu');
  if (gate.shape.length !== up.shape.length || gate.shape.some((d, i) => d !== up.shape[i])) {
    throw new RangeError(`gated activation: gate ${gate.describe()} and up ${up.describe()} differ in shape`);
  }
  return runOp(GatedAct, [gate, up], { act })[0]!;
}

/** silu(gate) * up in one pass (the Llama / Qwen MLP). */
export const swiglu = (gate: Tensor, up: Tensor): Tensor => gated('silu', gate, up);
/** gelu_tanh(gate) * up in one pass (the Gemma MLP). */
export const geglu = (gate: Tensor, up: Tensor): Tensor => gated('gelu', gate, up);

registerGradient(GatedAct, {
  save: (inputs) => [inputs[0]!, inputs[1]!],
  grad: ({ dy, saved, attrs }) => runKernel(GatedActGrad, [saved[0]!, saved[1]!, dy], { act: attrs.act }),
});

/** cond != 0 ? a : b with broadcasting; cond may be any dtype and gets no gradient. */
export function where(cond: Tensor, a: Tensor, b: Tensor): Tensor {
  cond.assertAlive('where');
  checkPair(a, b, 'where');
  return runOp(Where, [cond, a, b], {})[0]!;
}

registerGradient(Where, {
  save: (inputs) => [inputs[0]!],
  grad: ({ dy, saved, inputs, needsGrad }) => {
    const zero = scalar(0, dy.dtype, { backend: dy.backend });
    const cond = saved[0]!;
    return [
      null,
      needsGrad[1] ? sumToShape(runKernel(Where, [cond, dy, zero], {})[0]!, inputs[1]!.shape) : null,
      needsGrad[2] ? sumToShape(runKernel(Where, [cond, zero, dy], {})[0]!, inputs[2]!.shape) : null,
    ];
  },
});

/** x with `value` wherever mask != 0 (e.g. -Infinity before a softmax). */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  const v = scalar(value, x.dtype, { backend: x.backend });
  const out = where(mask, v, x);
  v.dispose();
  return out;
}

/**
 * Inverted dropout: zeroes each element with probability p and scales the rest by 1 / (1 - p).
 * The mask is a pure function of (seed, element index), with the seed drawn from `rng`, so runs
 * are reproducible and the backward needs no stored mask. Returns x itself when p is 0.
 */
export function dropout(x: Tensor, p: number, rng: TrainingRng): Tensor {
  x.assertAlive('dropout');
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout: p must be in [0, 1), got ${p}`);
  if (p === 0) return x;
  return runOp(Dropout, [x], { p, seed: rng.nextSeed() })[0]!;
}

registerGradient(Dropout, {
  grad: ({ dy, attrs }) => runKernel(Dropout, [dy], attrs),
});

/**
 * Converts to `dtype`: f16/bf16 storage decodes to f32 exactly; floats to f16/bf16 round to
 * nearest even. Gradients flow between f32 and f64 only.
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  x.assertAlive('cast');
  if (x.dtype === dtype) return x;
  if (isFloatDType(x.dtype) && isFloatDType(dtype)) return runOp(Cast, [x], { dtype })[0]!;
  return runKernel(Cast, [x], { dtype })[0]!;
}

registerGradient(Cast, {
  grad: ({ dy, inputs }) => runKernel(Cast, [dy], { dtype: inputs[0]!.dtype }),
});
