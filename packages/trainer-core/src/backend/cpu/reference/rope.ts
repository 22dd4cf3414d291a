/**
 * Rotary position embedding, Hugging Face `rotate_half` convention (as in
 * /shared/bench/torch_peer.py and transformers' apply_rotary_pos_emb): for i < D/2,
 *   out[i]       = x[i] * cos(a_i) - x[i + D/2] * sin(a_i)
 *   out[i + D/2] = x[i + D/2] * cos(a_i) + x[i] * sin(a_i)
 * with a_i = position * inv_freq[i], inv_freq[i] = 1 / theta^(2i / D) (rescaled as the RoPE
 * scaling says), computed in f32 as torch does. The cos/sin tables are cached per (theta, D,
 * scaling) and grown to the largest position seen.
 */
import {
  DEFAULT_ROPE_SCALING,
  type RopeScaling,
  ropeInvFreq,
  ropeScalingKey,
} from '../../../kernels/shapes/rope-frequencies.js';
import type { FloatArray } from '../../../tensor/dtype.js';

export { ropeInvFreq };

interface RopeTable {
  invFreq: Float64Array;
  positions: number;
  cos: Float64Array;
  sin: Float64Array;
}

const tables = new Map<string, RopeTable>();
const MAX_TABLES = 8;

/** cos/sin rows for positions 0 .. maxPosition (f32-rounded, as torch's f32 cos/sin). */
export function ropeTable(
  theta: number,
  dim: number,
  maxPosition: number,
  scaling: RopeScaling = DEFAULT_ROPE_SCALING,
): RopeTable {
  const key = `${theta}:${dim}:${ropeScalingKey(scaling)}`;
  let t = tables.get(key);
  if (t && t.positions > maxPosition) return t;
  const half = dim / 2;
  const invFreq = t?.invFreq ?? ropeInvFreq(theta, dim, scaling);
  const positions = Math.max(maxPosition + 1, (t?.positions ?? 0) * 2, 64);
  const cos = new Float64Array(positions * half);
  const sin = new Float64Array(positions * half);
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < half; i++) {
      const angle = Math.fround(p * invFreq[i]!);
      cos[p * half + i] = Math.fround(Math.cos(angle));
      sin[p * half + i] = Math.fround(Math.sin(angle));
    }
  }
  t = { invFreq, positions, cos, sin };
  if (!tables.has(key) && tables.size >= MAX_TABLES) tables.delete(tables.keys().next().value!);
  tables.set(key, t);
  return t;
}

/**
 * x, out: [batch, seq, heads, dim]. Position of (b, t) is positions[b * seq + t] when given, else
 * positionOffset + t (negative positions rotate by negative angles). `inverse` rotates by -angle
 * (the backward: the rotation is orthogonal).
 */
export function rope(
  out: FloatArray,
  x: FloatArray,
  batch: number,
  seq: number,
  heads: number,
  dim: number,
  theta: number,
  positions: Int32Array | undefined,
  positionOffset: number,
  inverse: boolean,
  scaling: RopeScaling = DEFAULT_ROPE_SCALING,
): void {
  const half = dim / 2;
  let maxPos = Math.max(Math.abs(positionOffset), Math.abs(positionOffset + seq - 1));
  if (positions) {
    maxPos = 0;
    for (let i = 0; i < positions.length; i++) maxPos = Math.max(maxPos, Math.abs(positions[i]!));
  }
  const table = ropeTable(theta, dim, maxPos, scaling);
  const sign = inverse ? -1 : 1;
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < seq; t++) {
      const pos = positions ? positions[b * seq + t]! : positionOffset + t;
      // A negative position rotates by a negative angle: cos is even, sin is odd.
      const tb = Math.abs(pos) * half;
      const rsign = pos < 0 ? -sign : sign;
      for (let h = 0; h < heads; h++) {
        const base = ((b * seq + t) * heads + h) * dim;
        for (let i = 0; i < half; i++) {
          const c = table.cos[tb + i]!;
          const s = rsign * table.sin[tb + i]!;
          const x1 = x[base + i]!;
          const x2 = x[base + half + i]!;
          out[base + i] = x1 * c - x2 * s;
          out[base + half + i] = x2 * c + x1 * s;
        }
      }
    }
  }
}
