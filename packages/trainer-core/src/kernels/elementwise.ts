/** Element-wise kernels: broadcasting arithmetic, activations, gated MLP nonlinearities, where, dropout. */
import { broadcastShapes } from '../tensor/shape.js';
import { defineKernel, type KernelDef } from './define.js';
import { floatDType, requireShape } from './infer.js';

type NoAttrs = Record<string, never>;

export type CompareOp = 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne';
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'minimum' | 'maximum' | CompareOp;

/** A broadcasting binary kernel (NumPy rules); strided inputs are read in place. */
function binaryKernel(name: string): KernelDef<NoAttrs> {
  return defineKernel<NoAttrs>(name, {
    inputs: ['a', 'b'],
    outputs: ['out'],
    strided: true,
    differentiable: true,
    infer: ([a, b]) => {
      const dtype = floatDType(name, [a, b], ['a', 'b']);
      return [{ shape: broadcastShapes(a!.shape, b!.shape, name), dtype }];
    },
  });
}

export const Add = binaryKernel('Add');
export const Sub = binaryKernel('Sub');
export const Mul = binaryKernel('Mul');
export const Div = binaryKernel('Div');
/** Element-wise min / max; NaN in either input gives NaN (torch.minimum / torch.maximum). */
export const Minimum = binaryKernel('Minimum');
export const Maximum = binaryKernel('Maximum');

/**
 * [a, b] -> 1 where `a op b` holds, else 0, in the inputs' dtype (so the result feeds `where`
 * and arithmetic directly). NaN compares unequal to everything. Not differentiable.
 */
export const Compare = defineKernel<{ op: CompareOp }>('Compare', {
  inputs: ['a', 'b'],
  outputs: ['out'],
  specialize: ['op'],
  strided: true,
  differentiable: false,
  infer: ([a, b]) => {
    const dtype = floatDType('Compare', [a, b], ['a', 'b']);
    return [{ shape: broadcastShapes(a!.shape, b!.shape, 'Compare'), dtype }];
  },
});

/** The binary op each broadcasting kernel computes, for backends that share one body. */
export const BINARY_OPS = new Map<KernelDef<NoAttrs>, BinaryOp>([
  [Add, 'add'],
  [Sub, 'sub'],
  [Mul, 'mul'],
  [Div, 'div'],
  [Minimum, 'minimum'],
  [Maximum, 'maximum'],
]);

export type UnaryOp =
  | 'neg'
  | 'exp'
  | 'log'
  | 'tanh'
  | 'sigmoid'
  | 'log_sigmoid'
  | 'silu'
  | 'gelu'
  | 'relu'
  | 'sqrt'
  | 'square';

/** Unary ops whose derivative is cheaper from the forward output than from its input. */
export function unaryGradUsesOutput(op: UnaryOp): boolean {
  return op === 'exp' || op === 'tanh' || op === 'sigmoid' || op === 'sqrt';
}

/**
 * [x] -> f(x). `gelu` is the tanh approximation (gelu_pytorch_tanh); `log_sigmoid` is computed
 * without overflow for any |x| (x - log1p(e^x) below 0, -log1p(e^-x) above).
 */
export const Unary = defineKernel<{ op: UnaryOp }>('Unary', {
  inputs: ['x'],
  outputs: ['y'],
  specialize: ['op'],
  differentiable: true,
  infer: ([x]) => [{ shape: x!.shape, dtype: floatDType('Unary', [x], ['x']) }],
});

/** [s, dy] -> f'(.) * dy, s the forward output or input (see unaryGradUsesOutput). */
export const UnaryGrad = defineKernel<{ op: UnaryOp }>('UnaryGrad', {
  inputs: ['saved', 'dy'],
  outputs: ['dx'],
  specialize: ['op'],
  differentiable: false,
  infer: ([s, dy]) => {
    const dtype = floatDType('UnaryGrad', [s, dy], ['saved', 'dy']);
    requireShape('UnaryGrad', dy!, 'dy', s!.shape);
    return [{ shape: s!.shape, dtype }];
  },
});

/** [x] -> x * scale + bias. */
export const Affine = defineKernel<{ scale: number; bias: number }>('Affine', {
  inputs: ['x'],
  outputs: ['y'],
  differentiable: true,
  infer: ([x]) => [{ shape: x!.shape, dtype: floatDType('Affine', [x], ['x']) }],
});

export type GatedActivation = 'silu' | 'gelu';

function gatedShapes(kernel: string, tensors: Parameters<typeof floatDType>[1], names: string[]) {
  const dtype = floatDType(kernel, tensors, names);
  const shape = tensors[0]!.shape;
  tensors.forEach((t, i) => {
    requireShape(kernel, t!, names[i]!, shape);
  });
  return { shape, dtype };
}

/** [gate, up] -> act(gate) * up (SwiGLU / GeGLU). */
export const GatedAct = defineKernel<{ act: GatedActivation }>('GatedAct', {
  inputs: ['gate', 'up'],
  outputs: ['out'],
  specialize: ['act'],
  differentiable: true,
  infer: (inputs) => [gatedShapes('GatedAct', inputs, ['gate', 'up'])],
});

/** [gate, up, dy] -> [dgate, dup]. */
export const GatedActGrad = defineKernel<{ act: GatedActivation }>('GatedActGrad', {
  inputs: ['gate', 'up', 'dy'],
  outputs: ['dgate', 'dup'],
  specialize: ['act'],
  differentiable: false,
  infer: (inputs) => {
    const m = gatedShapes('GatedActGrad', inputs, ['gate', 'up', 'dy']);
    return [m, m];
  },
});

/** [cond, a, b] -> cond != 0 ? a : b, NumPy broadcasting of all three; cond may be any dtype. */
export const Where = defineKernel<NoAttrs>('Where', {
  inputs: ['cond', 'a', 'b'],
  outputs: ['out'],
  strided: true,
  differentiable: true,
  infer: ([cond, a, b]) => {
    const dtype = floatDType('Where', [a, b], ['a', 'b']);
    const ab = broadcastShapes(a!.shape, b!.shape, 'Where');
    return [{ shape: broadcastShapes(cond!.shape, ab, 'Where'), dtype }];
  },
});

/**
 * [x] -> x * keep / (1 - p), keep = hash(seed, index) >= p. The mask is a pure function of
 * (seed, index), so the backward re-applies the same kernel to dy and nothing is stored.
 */
export const Dropout = defineKernel<{ p: number; seed: number }>('Dropout', {
  inputs: ['x'],
  outputs: ['y'],
  differentiable: true,
  infer: ([x], { p }) => {
    if (!(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
    return [{ shape: x!.shape, dtype: floatDType('Dropout', [x], ['x']) }];
  },
});
