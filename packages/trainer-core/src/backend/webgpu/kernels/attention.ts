/** Flash-style attention forward (see programs/attention.ts): out and the row log-sum-exp. */
import { Attention } from '../../../kernels/attention.js';
import { variantKey } from '../../../kernels/define.js';
import { attentionDims } from '../../../kernels/shapes/attention-dims.js';
import {
  ATTENTION_UNIFORMS,
  attentionValues,
  headDimBucket,
  queryRowKernelHead,
  ROWS,
  stageKeyValueTile,
  tileRows,
} from '../programs/attention.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32In, f32Out, i32In } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

/** A finite stand-in for -infinity (see programs/attention.ts on why no -inf arithmetic). */
const LOW = '-3.0e38';

function code(causal: boolean, mask: boolean, bucket: number): string {
  const bc = tileRows(bucket);
  return /* wgsl */ `${queryRowKernelHead(causal, mask, bucket)}
  let in_range = i < u.tq;
  var qr: array<f32, ${bucket}>;
  var acc: array<f32, ${bucket}>;
  var sc: array<f32, ${bc}>;
  let qb = q_index(b, min(i, u.tq - 1u), h);
  for (var c = 0u; c < ${bucket}u; c++) {
    qr[c] = select(0.0, q[u.q_o + qb + c], c < u.headDim) * u.scale;
    acc[c] = 0.0;
  }
  var m = ${LOW};
  var l = 0.0;
  let span = key_span(i0, min(i0 + ${ROWS}u, u.tq));
  for (var j0 = span.x; j0 < span.y; j0 += ${bc}u) {
    ${stageKeyValueTile(bucket)}
    workgroupBarrier();
    if (in_range) {
      var tmax = ${LOW};
      var seen_any = false;
      for (var jj = 0u; jj < ${bc}u; jj++) {
        let j = j0 + jj;
        var s = 0.0;
        for (var c = 0u; c < ${bucket}u; c++) { s = fma(qr[c], ks[jj * ${bucket}u + c], s); }
        let seen = j < span.y && visible(b, i, j);
        sc[jj] = select(${LOW}, s, seen);
        if (seen) { tmax = max(tmax, s); seen_any = true; }
      }
      if (seen_any) {
        let mn = max(m, tmax);
        let corr = exp(m - mn);
        l = l * corr;
        for (var c = 0u; c < ${bucket}u; c++) { acc[c] = acc[c] * corr; }
        for (var jj = 0u; jj < ${bc}u; jj++) {
          if (sc[jj] > -1.0e38) {
            let p = exp(sc[jj] - mn);
            l += p;
            for (var c = 0u; c < ${bucket}u; c++) { acc[c] = fma(p, vs[jj * ${bucket}u + c], acc[c]); }
          }
        }
        m = mn;
      }
    }
    workgroupBarrier();
  }
  if (in_range) {
    let ob = q_index(b, i, h);
    let inv = select(0.0, 1.0 / l, l > 0.0);
    for (var c = 0u; c < u.headDim; c++) { out[u.out_o + ob + c] = acc[c] * inv; }
    lse[u.lse_o + lse_index(b, h, i)] = select(neg_inf_f32(), m + log(l), l > 0.0);
  }
}`;
}

registerWebGpuKernel(Attention, ({ backend, inputs: [q, k, v, mask], outputs: [out, lse], attrs }) => {
  const d = attentionDims(q!, k!, v!, mask, attrs);
  if (d.batch * d.heads * d.tq === 0) return;
  const bucket = headDimBucket(d.headDim);
  const withMask = mask !== undefined;
  const key = `${variantKey(Attention, attrs)}|d${bucket}|${withMask ? 'mask' : 'nomask'}`;
  const program = backend.program(key, () => ({
    key,
    bindings: [f32In('q'), f32In('k'), f32In('v'), ...(withMask ? [i32In('mask')] : []), f32Out('out'), f32Out('lse')],
    uniforms: ATTENTION_UNIFORMS,
    code: code(d.causal, withMask, bucket),
  }));
  backend.dispatch(program, [q!, k!, v!, ...(mask ? [mask] : []), out!, lse!].map(tensorView), attentionValues(d), [
    Math.ceil(d.tq / ROWS),
    d.batch * d.heads,
  ]);
});
