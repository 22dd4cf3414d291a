/**
 * Fused scaled-dot-product attention over [batch, seq, heads, headDim] layouts with grouped-query
 * heads, the oracle for the fast kernels. The forward keeps only the output and the row
 * log-sum-exp; the backward recomputes each probability from the lse (flash-attention style), so
 * no [Tq, Tk] matrix is ever stored. Sizes and masking rules: kernels/shapes/attention-dims.ts.
 */
import { type AttentionDims, keyRange } from '../../../kernels/shapes/attention-dims.js';
import type { FloatArray } from '../../../tensor/dtype.js';

export function attentionForward(
  out: FloatArray,
  lse: FloatArray,
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  keyMask: Int32Array | undefined,
  d: AttentionDims,
): void {
  const { batch, heads, kvHeads, tq, tk, headDim: D, scale } = d;
  const group = heads / kvHeads;
  const scores = new Float64Array(tk);
  const acc = new Float64Array(D);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kh = Math.floor(h / group);
      for (let i = 0; i < tq; i++) {
        const qb = ((b * tq + i) * heads + h) * D;
        const ob = qb;
        const [start, end] = keyRange(d, i);
        let m = Number.NEGATIVE_INFINITY;
        for (let j = start; j < end; j++) {
          if (keyMask && keyMask[b * tk + j] === 0) {
            scores[j] = Number.NEGATIVE_INFINITY;
            continue;
          }
          const kb = ((b * tk + j) * kvHeads + kh) * D;
          let s = 0;
          for (let c = 0; c < D; c++) s += q[qb + c]! * k[kb + c]!;
          s *= scale;
          scores[j] = s;
          if (s > m) m = s;
        }
        const li = (b * heads + h) * tq + i;
        if (m === Number.NEGATIVE_INFINITY) {
          for (let c = 0; c < D; c++) out[ob + c] = 0;
          lse[li] = Number.NEGATIVE_INFINITY;
          continue;
        }
        acc.fill(0);
        let l = 0;
        for (let j = start; j < end; j++) {
          const s = scores[j]!;
          if (s === Number.NEGATIVE_INFINITY) continue;
          const p = Math.exp(s - m);
          l += p;
          const vb = ((b * tk + j) * kvHeads + kh) * D;
          for (let c = 0; c < D; c++) acc[c]! += p * v[vb + c]!;
        }
        const inv = 1 / l;
        for (let c = 0; c < D; c++) out[ob + c] = acc[c]! * inv;
        lse[li] = m + Math.log(l);
      }
    }
  }
}

/** Writes dq, dk, dv (not accumulated into earlier contents). */
export function attentionBackward(
  dq: FloatArray,
  dk: FloatArray,
  dv: FloatArray,
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  out: FloatArray,
  lse: FloatArray,
  dout: FloatArray,
  keyMask: Int32Array | undefined,
  d: AttentionDims,
): void {
  const { batch, heads, kvHeads, tq, tk, headDim: D, scale } = d;
  const group = heads / kvHeads;
  dk.fill(0);
  dv.fill(0);
  const dqRow = new Float64Array(D);
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kh = Math.floor(h / group);
      for (let i = 0; i < tq; i++) {
        const qb = ((b * tq + i) * heads + h) * D;
        const rowLse = lse[(b * heads + h) * tq + i]!;
        dqRow.fill(0);
        if (rowLse !== Number.NEGATIVE_INFINITY) {
          let di = 0;
          for (let c = 0; c < D; c++) di += dout[qb + c]! * out[qb + c]!;
          const [start, end] = keyRange(d, i);
          for (let j = start; j < end; j++) {
            if (keyMask && keyMask[b * tk + j] === 0) continue;
            const kb = ((b * tk + j) * kvHeads + kh) * D;
            let s = 0;
            let dp = 0;
            for (let c = 0; c < D; c++) {
              s += q[qb + c]! * k[kb + c]!;
              dp += dout[qb + c]! * v[kb + c]!;
            }
            const p = Math.exp(s * scale - rowLse);
            const ds = p * (dp - di) * scale;
            for (let c = 0; c < D; c++) {
              dv[kb + c]! += p * dout[qb + c]!;
              dk[kb + c]! += ds * q[qb + c]!;
              dqRow[c]! += ds * k[kb + c]!;
            }
          }
        }
        for (let c = 0; c < D; c++) dq[qb + c] = dqRow[c]!;
      }
    }
  }
}
