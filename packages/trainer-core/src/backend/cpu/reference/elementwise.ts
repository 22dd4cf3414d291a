/**
 * Elementwise reference kernels. Each op has its own tight loop (no per-element closures or
 * dispatch), and every function works on f32 and f64 arrays alike.
 */

import type { BinaryOp, GatedActivation, UnaryOp } from '../../../kernels/elementwise.js';
import { hash2 } from '../../../random/hash.js';
import type { FloatArray } from '../../../tensor/dtype.js';
import { forEachRow } from './strided.js';

type Row = (
  o: FloatArray,
  oo: number,
  a: FloatArray,
  ao: number,
  sa: number,
  b: FloatArray,
  bo: number,
  sb: number,
  n: number,
) => void;

const addRow: Row = (o, oo, a, ao, sa, b, bo, sb, n) => {
  for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! + b[bo]!;
};
const subRow: Row = (o, oo, a, ao, sa, b, bo, sb, n) => {
  for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! - b[bo]!;
};
const mulRow: Row = (o, oo, a, ao, sa, b, bo, sb, n) => {
  for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! * b[bo]!;
};
const divRow: Row = (o, oo, a, ao, sa, b, bo, sb, n) => {
  for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = a[ao]! / b[bo]!;
};
// NaN in either operand gives NaN, as torch.minimum / torch.maximum (Math.min / Math.max agree).
const minimumRow: Row = (o, oo, a, ao, sa, b, bo, sb, n) => {
  for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = Math.min(a[ao]!, b[bo]!);
};
const maximumRow: Row = (o, oo, a, ao, sa, b, bo, sb, n) => {
  for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = Math.max(a[ao]!, b[bo]!);
};
function compareRow(test: (x: number, y: number) => boolean): Row {
  return (o, oo, a, ao, sa, b, bo, sb, n) => {
    for (let i = 0; i < n; i++, ao += sa, bo += sb) o[oo + i] = test(a[ao]!, b[bo]!) ? 1 : 0;
  };
}
const ROWS: Record<BinaryOp, Row> = {
  lt: compareRow((x, y) => x < y),
  le: compareRow((x, y) => x <= y),
  gt: compareRow((x, y) => x > y),
  ge: compareRow((x, y) => x >= y),
  eq: compareRow((x, y) => x === y),
  ne: compareRow((x, y) => x !== y),
  add: addRow,
  sub: subRow,
  mul: mulRow,
  div: divRow,
  minimum: minimumRow,
  maximum: maximumRow,
};

/**
 * out = a op b over `shape`, reading a and b through (broadcast) strides; out is contiguous with
 * strides `outStrides`.
 */
export function binary(
  op: BinaryOp,
  out: FloatArray,
  a: FloatArray,
  aStrides: readonly number[],
  b: FloatArray,
  bStrides: readonly number[],
  shape: readonly number[],
  outStrides: readonly number[],
): void {
  const row = ROWS[op];
  forEachRow(shape, [outStrides, aStrides, bStrides], (off, n, s) => {
    row(out, off[0]!, a, off[1]!, s[1]!, b, off[2]!, s[2]!, n);
  });
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

/** Branch-free: exp(-x) overflowing to Infinity correctly gives 0, so no sign test is needed. */
function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** log(sigmoid(x)) without overflow or cancellation, as torch.nn.functional.logsigmoid. */
export function logSigmoid(x: number): number {
  return x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x));
}

export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x)));
}

export function geluDerivative(x: number): number {
  const t = Math.tanh(SQRT_2_OVER_PI * (x + GELU_C * x * x * x));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * GELU_C * x * x);
}

export function unary(op: UnaryOp, out: FloatArray, x: FloatArray, n: number): void {
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) out[i] = -x[i]!;
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!);
      return;
    case 'log':
      for (let i = 0; i < n; i++) out[i] = Math.log(x[i]!);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) out[i] = sigmoid(x[i]!);
      return;
    case 'log_sigmoid':
      for (let i = 0; i < n; i++) out[i] = logSigmoid(x[i]!);
      return;
    case 'silu':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v * sigmoid(v);
      }
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) out[i] = gelu(x[i]!);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = Math.max(v, 0);
      }
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) out[i] = Math.sqrt(x[i]!);
      return;
    case 'square':
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        out[i] = v * v;
      }
      return;
  }
}

/** dx = f'(.) * dy; `s` is the forward output or input as unaryGradUsesOutput says. */
export function unaryGrad(op: UnaryOp, dx: FloatArray, s: FloatArray, dy: FloatArray, n: number): void {
  switch (op) {
    case 'neg':
      for (let i = 0; i < n; i++) dx[i] = -dy[i]!;
      return;
    case 'exp':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! * s[i]!;
      return;
    case 'log':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! / s[i]!;
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const y = s[i]!;
        dx[i] = dy[i]! * (1 - y * y);
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const y = s[i]!;
        dx[i] = dy[i]! * y * (1 - y);
      }
      return;
    case 'log_sigmoid':
      // d/dx log sigmoid(x) = sigmoid(-x), from the forward input.
      for (let i = 0; i < n; i++) dx[i] = dy[i]! * sigmoid(-s[i]!);
      return;
    case 'silu':
      for (let i = 0; i < n; i++) {
        const v = s[i]!;
        const sg = sigmoid(v);
        dx[i] = dy[i]! * sg * (1 + v * (1 - sg));
      }
      return;
    case 'gelu':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! * geluDerivative(s[i]!);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) dx[i] = s[i]! > 0 ? dy[i]! : 0;
      return;
    case 'sqrt':
      for (let i = 0; i < n; i++) dx[i] = dy[i]! / (2 * s[i]!);
      return;
    case 'square':
      for (let i = 0; i < n; i++) dx[i] = 2 * s[i]! * dy[i]!;
      return;
  }
}

export function affine(out: FloatArray, x: FloatArray, n: number, scale: number, bias: number): void {
  if (bias === 0) for (let i = 0; i < n; i++) out[i] = x[i]! * scale;
  else for (let i = 0; i < n; i++) out[i] = x[i]! * scale + bias;
}

/** out = act(gate) * up: the fused SwiGLU (silu) / GeGLU (gelu) MLP nonlinearity. */
export function gatedAct(act: GatedActivation, out: FloatArray, gate: FloatArray, up: FloatArray, n: number): void {
  if (act === 'silu') {
    for (let i = 0; i < n; i++) {
      const g = gate[i]!;
      out[i] = (g * up[i]!) / (1 + Math.exp(-g));
    }
  } else {
    for (let i = 0; i < n; i++) out[i] = gelu(gate[i]!) * up[i]!;
  }
}

export function gatedActGrad(
  act: GatedActivation,
  dgate: FloatArray,
  dup: FloatArray,
  gate: FloatArray,
  up: FloatArray,
  dy: FloatArray,
  n: number,
): void {
  if (act === 'silu') {
    for (let i = 0; i < n; i++) {
      const g = gate[i]!;
      const d = dy[i]!;
      const s = 1 / (1 + Math.exp(-g));
      const gs = g * s;
      dup[i] = d * gs;
      dgate[i] = d * up[i]! * (s + gs * (1 - s));
    }
  } else {
    for (let i = 0; i < n; i++) {
      const g = gate[i]!;
      const d = dy[i]!;
      dup[i] = d * gelu(g);
      dgate[i] = d * up[i]! * geluDerivative(g);
    }
  }
}

/** out = cond != 0 ? a : b, all read through broadcast strides. */
export function where(
  out: FloatArray,
  cond: ArrayLike<number>,
  cStrides: readonly number[],
  a: FloatArray,
  aStrides: readonly number[],
  b: FloatArray,
  bStrides: readonly number[],
  shape: readonly number[],
  outStrides: readonly number[],
): void {
  forEachRow(shape, [outStrides, cStrides, aStrides, bStrides], (off, n, s) => {
    let oo = off[0]!;
    let co = off[1]!;
    let ao = off[2]!;
    let bo = off[3]!;
    const sc = s[1]!;
    const sa = s[2]!;
    const sb = s[3]!;
    for (let i = 0; i < n; i++, co += sc, ao += sa, bo += sb) out[oo++] = cond[co] !== 0 ? a[ao]! : b[bo]!;
  });
}

/** Inverted dropout with a counter-based mask: element i is kept when hash(seed, i) >= p * 2^32. */
export function dropout(out: FloatArray, x: FloatArray, n: number, p: number, seed: number): void {
  const threshold = p * 4294967296;
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) out[i] = hash2(seed, i) >= threshold ? x[i]! * scale : 0;
}

/** Strided copy of any dtype (same dtype in and out). */
export function stridedCopy(
  out: { [i: number]: number },
  outStrides: readonly number[],
  x: ArrayLike<number>,
  xStrides: readonly number[],
  shape: readonly number[],
): void {
  forEachRow(shape, [outStrides, xStrides], (off, n, s) => {
    let oo = off[0]!;
    let xo = off[1]!;
    const so = s[0]!;
    const sx = s[1]!;
    for (let i = 0; i < n; i++, oo += so, xo += sx) out[oo] = x[xo]!;
  });
}
