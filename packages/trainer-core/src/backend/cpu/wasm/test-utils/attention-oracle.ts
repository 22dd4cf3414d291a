/**
 * A direct f64 attention oracle for the fused kernels: materialises every score row, applies the
 * (bottom-right aligned) causal and key masks, and differentiates the softmax in its textbook
 * form dS = P (dP - sum_k P_k dP_k), independent of the kernels' flash formulation.
 */
import type { AttentionDims } from '../../../../kernels/shapes/attention-dims.js';

export interface AttentionData {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  dout: Float32Array;
  mask: Int32Array | undefined;
}

export function referenceAttention(p: AttentionDims, x: AttentionData) {
  const { batch, heads, kvHeads, tq, tk, headDim: D, scale } = p;
  const group = heads / kvHeads;
  const out = new Float64Array(batch * tq * heads * D);
  const lse = new Float64Array(batch * heads * tq);
  const dq = new Float64Array(out.length);
  const dk = new Float64Array(batch * tk * kvHeads * D);
  const dv = new Float64Array(dk.length);
  const qi = (b: number, i: number, h: number) => ((b * tq + i) * heads + h) * D;
  const kj = (b: number, j: number, h: number) => ((b * tk + j) * kvHeads + h) * D;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kh = Math.floor(h / group);
      for (let i = 0; i < tq; i++) {
        const visible: number[] = [];
        for (let j = 0; j < tk; j++) {
          if (p.causal && j > i + tk - tq) continue;
          if (x.mask && x.mask[b * tk + j] === 0) continue;
          visible.push(j);
        }
        const li = (b * heads + h) * tq + i;
        if (visible.length === 0) {
          lse[li] = Number.NEGATIVE_INFINITY;
          continue;
        }
        const s = visible.map((j) => {
          let dot = 0;
          for (let c = 0; c < D; c++) dot += x.q[qi(b, i, h) + c]! * x.k[kj(b, j, kh) + c]!;
          return dot * scale;
        });
        const max = Math.max(...s);
        const e = s.map((v) => Math.exp(v - max));
        const sum = e.reduce((a, v) => a + v, 0);
        const prob = e.map((v) => v / sum);
        lse[li] = max + Math.log(sum);
        const dp = visible.map((j) => {
          let dot = 0;
          for (let c = 0; c < D; c++) dot += x.dout[qi(b, i, h) + c]! * x.v[kj(b, j, kh) + c]!;
          return dot;
        });
        const pdp = prob.reduce((a, v, n) => a + v * dp[n]!, 0);
        visible.forEach((j, n) => {
          const pr = prob[n]!;
          const ds = pr * (dp[n]! - pdp) * scale;
          for (let c = 0; c < D; c++) {
            out[qi(b, i, h) + c]! += pr * x.v[kj(b, j, kh) + c]!;
            dv[kj(b, j, kh) + c]! += pr * x.dout[qi(b, i, h) + c]!;
            dq[qi(b, i, h) + c]! += ds * x.k[kj(b, j, kh) + c]!;
            dk[kj(b, j, kh) + c]! += ds * x.q[qi(b, i, h) + c]!;
          }
        });
      }
    }
  }
  return { out, lse, dq, dk, dv };
}

/** Largest |got - want| over max(1, max |want|); -inf entries must match exactly. */
export function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 1;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i]!)) scale = Math.max(scale, Math.abs(want[i]!));
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (!Number.isFinite(w)) {
      if (g !== w) return Number.POSITIVE_INFINITY;
      continue;
    }
    const e = Math.abs(g - w) / scale;
    if (!(e <= worst)) worst = Number.isNaN(e) ? Number.POSITIVE_INFINITY : e;
  }
  return worst;
}
