/** Parameters, dependencies and masking helpers shared by the fused attention kernels. */
import { f32, f32x4, i32, type Local, select, type Val, v128 } from '../../emit/expr.js';
import type { FuncRef, FunctionBuilder } from '../../emit/function-builder.js';
import type { GemmFns } from '../gemm/blocks.js';
import type { KernelEnv } from '../kernel-env.js';
import type { RowFns } from '../row-fns.js';

/** The parameters after the tensor pointers, the same for both kernels (see ops/attention-op.ts). */
const ATTENTION_SHAPE_PARAMS = [
  'batch',
  'heads',
  'kvHeads',
  'tq',
  'tk',
  'd',
  'scale',
  'causal',
  'keyMask',
  'layout',
  'counter',
  'scratch',
  'scratchStride',
  'tid',
] as const;

export const ATTENTION_PARAMS = ['q', 'k', 'v', 'out', 'lse', ...ATTENTION_SHAPE_PARAMS] as const;

export const ATTENTION_BACKWARD_PARAMS = [
  'q',
  'k',
  'v',
  'out',
  'lse',
  'dout',
  'dq',
  'dk',
  'dv',
  ...ATTENTION_SHAPE_PARAMS,
] as const;

export interface HostMath {
  log: FuncRef;
}

export interface AttentionDeps {
  gemm: GemmFns;
  rows: RowFns;
  host: HostMath;
  env: KernelEnv;
}

export const NEG_INF = Number.NEGATIVE_INFINITY;

export const bytes = (x: Val) => i32.shl(x, 2);
export const ceilDiv = (x: Val, y: number) => i32.divU(i32.add(x, y - 1), y);
export const round4 = (x: Val) => i32.and(i32.add(x, 3), -4);

/** Byte offset of row `t` of head `h` in a [batch, seq, heads, d] tensor. */
export function rowOffset(b: Val, seq: Val, t: Val, heads: Val, h: Val, d: Val) {
  return bytes(i32.mul(i32.add(i32.mul(i32.add(i32.mul(b, seq), t), heads), h), d));
}

/** Per key block: bias[c] = 0 where the key mask lets key j0+c through, -inf otherwise and for c >= cols. */
export function emitKeyBias(
  f: FunctionBuilder,
  bias: Local,
  keyMask: Local,
  b: Val,
  tk: Val,
  j0: Val,
  cols: Local,
  c: Local,
) {
  const cols4 = round4(cols);
  f.forRange(c, 0, cols4, 1, () => {
    const maskAt = i32.add(keyMask, bytes(i32.add(i32.add(i32.mul(b, tk), j0), i32.minS(c, i32.sub(cols, 1)))));
    const open = i32.and(i32.ltS(c, cols), i32.ne(i32.load(maskAt), 0));
    f.do(f32.store(i32.add(bias, bytes(c)), select('f32', f32.const(0), f32.const(NEG_INF), open)));
  });
}

/** Scores of one row outside the causal limit (c >= valid) or the block (c >= cols) become -inf; masked keys too. */
export function emitMaskRow(
  f: FunctionBuilder,
  sRow: Local,
  valid: Local,
  cols: Local,
  keyMask: Local,
  bias: Local,
  c: Local,
): void {
  f.forRange(c, i32.maxS(valid, 0), round4(cols), 1, () => {
    f.do(f32.store(i32.add(sRow, bytes(c)), f32.const(NEG_INF)));
  });
  f.if(keyMask, () => {
    f.forRange(c, 0, round4(cols), 4, () => {
      const at = i32.add(sRow, bytes(c));
      f.do(v128.store(at, f32x4.add(v128.load(at), v128.load(i32.add(bias, bytes(c))))));
    });
  });
}

/** Keys row `i` may see, counted from j0 and capped at cols (bottom-right aligned causal mask). */
export function validKeys(causal: Local, cols: Local, i: Val, shift: Local, j0: Local) {
  return select('i32', i32.minS(cols, i32.sub(i32.add(i32.add(i, shift), 1), j0)), cols, causal);
}
