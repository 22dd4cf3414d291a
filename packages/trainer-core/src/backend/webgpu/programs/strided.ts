/**
 * Reading operands through strides (views and broadcasting) from a linear output index. The host
 * collapses dimensions every operand steps through contiguously, then passes the shape and each
 * operand's strides in one uniform array `u.geo` (8 entries each). An operand whose strides are
 * the contiguous ones of the collapsed shape is read at the linear index itself ('flat'), which
 * specialises the code: the common case of same-shape contiguous operands does no index math.
 */
import { collapseDims, contiguousStrides } from '../../../tensor/shape.js';
import { type UniformDecl, u32, vec4u } from '../shader/spec.js';

export const MAX_RANK = 8;

export type OperandLayout = 'flat' | 'strided';

export interface StridedGeometry {
  readonly rank: number;
  /** The collapsed shape, then each operand's strides, 8 entries each. */
  readonly geo: number[];
  readonly layouts: OperandLayout[];
}

export function stridedGeometry(
  what: string,
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): StridedGeometry {
  const c = collapseDims(shape, strides);
  const rank = c.shape.length;
  if (rank > MAX_RANK) {
    throw new RangeError(`${what}: webgpu kernels read at most ${MAX_RANK} strided dimensions, this view has ${rank}`);
  }
  const dense = contiguousStrides(c.shape);
  const geo = new Array<number>(MAX_RANK * (strides.length + 1)).fill(0);
  c.shape.forEach((d, i) => {
    geo[i] = d;
  });
  const layouts = c.strides.map((s, k) => {
    s.forEach((v, i) => {
      geo[MAX_RANK * (k + 1) + i] = v;
    });
    return s.every((v, i) => v === dense[i] || c.shape[i] === 1) ? 'flat' : 'strided';
  });
  return { rank, geo, layouts: layouts as OperandLayout[] };
}

/** Uniforms of a geometry for `operands` operands. */
export function geometryUniforms(operands: number): UniformDecl[] {
  return [vec4u('geo', (2 * (operands + 1) * MAX_RANK) / 8), u32('rank')];
}

/** WGSL: `strided_offset(i, op)`, the element offset of operand `op` (1-based) at linear index `i`. */
export const STRIDED_WGSL = /* wgsl */ `
fn geo_at(k: u32) -> u32 { return u.geo[k / 4u][k % 4u]; }
fn strided_offset(i: u32, op: u32) -> u32 {
  var rem = i;
  var off = 0u;
  for (var d = u.rank; d > 0u; d--) {
    let size = geo_at(d - 1u);
    off += (rem % size) * geo_at(op * ${MAX_RANK}u + d - 1u);
    rem = rem / size;
  }
  return off;
}`;

/** WGSL offset expression of operand `op` at index `i` for its layout. */
export function operandOffset(layout: OperandLayout, op: number, i = 'i'): string {
  return layout === 'flat' ? i : `strided_offset(${i}, ${op}u)`;
}
