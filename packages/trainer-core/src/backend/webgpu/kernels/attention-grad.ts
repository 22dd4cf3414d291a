/**
 * Flash-style attention backward (see programs/attention.ts), probabilities recomputed from the
 * saved lse: one kernel for dq (and D = dout . out per query row, kept in a scratch buffer), one
 * for dk and dv per key row, summed over the query heads of its group, so no two threads ever
 * add into the same element.
 */
import { AttentionGrad } from '../../../kernels/attention.js';
import { variantKey } from '../../../kernels/define.js';
import { attentionDims } from '../../../kernels/shapes/attention-dims.js';
import {
  ATTENTION_UNIFORMS,
  attentionValues,
  headDimBucket,
  INDEXING,
  queryRowKernelHead,
  ROWS,
  stageKeyValueTile,
  stageRows,
  tileRows,
  visibility,
} from '../programs/attention.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { type BindingDecl, f32In, f32Out, i32In } from '../shader/spec.js';
import { type BufferView, tensorView } from '../webgpu-backend.js';

function dqCode(causal: boolean, mask: boolean, bucket: number): string {
  const bc = tileRows(bucket);
  return /* wgsl */ `${queryRowKernelHead(causal, mask, bucket)}
  let row_lse = lse[u.lse_o + lse_index(b, h, min(i, u.tq - 1u))];
  let in_range = i < u.tq && !is_neg_inf(row_lse);
  var qr: array<f32, ${bucket}>;
  var dor: array<f32, ${bucket}>;
  var dq_acc: array<f32, ${bucket}>;
  let qb = q_index(b, min(i, u.tq - 1u), h);
  var di = 0.0;
  for (var c = 0u; c < ${bucket}u; c++) {
    let inside = c < u.headDim;
    qr[c] = select(0.0, q[u.q_o + qb + c], inside);
    dor[c] = select(0.0, dout[u.dout_o + qb + c], inside);
    di += dor[c] * select(0.0, out[u.out_o + qb + c], inside);
    dq_acc[c] = 0.0;
  }
  if (i < u.tq) { dsum[u.dsum_o + lse_index(b, h, i)] = di; }
  let span = key_span(i0, min(i0 + ${ROWS}u, u.tq));
  for (var j0 = span.x; j0 < span.y; j0 += ${bc}u) {
    ${stageKeyValueTile(bucket)}
    workgroupBarrier();
    if (in_range) {
      for (var jj = 0u; jj < ${bc}u; jj++) {
        let j = j0 + jj;
        if (j < span.y && visible(b, i, j)) {
          var s = 0.0;
          var dp = 0.0;
          for (var c = 0u; c < ${bucket}u; c++) {
            s = fma(qr[c], ks[jj * ${bucket}u + c], s);
            dp = fma(dor[c], vs[jj * ${bucket}u + c], dp);
          }
          let p = exp(s * u.scale - row_lse);
          let ds = p * (dp - di) * u.scale;
          for (var c = 0u; c < ${bucket}u; c++) { dq_acc[c] = fma(ds, ks[jj * ${bucket}u + c], dq_acc[c]); }
        }
      }
    }
    workgroupBarrier();
  }
  if (i < u.tq) {
    for (var c = 0u; c < u.headDim; c++) { dq[u.dq_o + qb + c] = dq_acc[c]; }
  }
}`;
}

function dkvCode(causal: boolean, mask: boolean, bucket: number): string {
  const bc = tileRows(bucket);
  return /* wgsl */ `${INDEXING}
${visibility(causal, mask)}
var<workgroup> qs: array<f32, ${bc * bucket}>;
var<workgroup> dos: array<f32, ${bc * bucket}>;
var<workgroup> lses: array<f32, ${bc}>;
var<workgroup> dis: array<f32, ${bc}>;
@compute @workgroup_size(${ROWS})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lix: u32) {
  let bkh = wid.y;
  let b = bkh / u.kvHeads;
  let kh = bkh % u.kvHeads;
  let j0 = wid.x * ${ROWS}u;
  let j = j0 + lix;
  let in_range = j < u.tk;
  var kr: array<f32, ${bucket}>;
  var vr: array<f32, ${bucket}>;
  var dk_acc: array<f32, ${bucket}>;
  var dv_acc: array<f32, ${bucket}>;
  let kb = k_index(b, min(j, u.tk - 1u), kh);
  for (var c = 0u; c < ${bucket}u; c++) {
    let inside = c < u.headDim;
    kr[c] = select(0.0, k[u.k_o + kb + c], inside);
    vr[c] = select(0.0, v[u.v_o + kb + c], inside);
    dk_acc[c] = 0.0;
    dv_acc[c] = 0.0;
  }
  let span = query_span(j0, min(j0 + ${ROWS}u, u.tk));
  for (var g = 0u; g < u.group; g++) {
    let h = kh * u.group + g;
    for (var i0 = span.x; i0 < span.y; i0 += ${bc}u) {
      ${stageRows('qs', 'q', (r) => `q_index(b, ${r}, h)`, 'i0', 'u.tq', bc, bucket)}
      ${stageRows('dos', 'dout', (r) => `q_index(b, ${r}, h)`, 'i0', 'u.tq', bc, bucket)}
      if (lix < ${bc}u) {
        let i = min(i0 + lix, u.tq - 1u);
        lses[lix] = lse[u.lse_o + lse_index(b, h, i)];
        dis[lix] = dsum[u.dsum_o + lse_index(b, h, i)];
      }
      workgroupBarrier();
      if (in_range) {
        for (var ii = 0u; ii < ${bc}u; ii++) {
          let i = i0 + ii;
          if (i < span.y && !is_neg_inf(lses[ii]) && visible(b, i, j)) {
            var s = 0.0;
            var dp = 0.0;
            for (var c = 0u; c < ${bucket}u; c++) {
              s = fma(qs[ii * ${bucket}u + c], kr[c], s);
              dp = fma(dos[ii * ${bucket}u + c], vr[c], dp);
            }
            let p = exp(s * u.scale - lses[ii]);
            let ds = p * (dp - dis[ii]) * u.scale;
            for (var c = 0u; c < ${bucket}u; c++) {
              dv_acc[c] = fma(p, dos[ii * ${bucket}u + c], dv_acc[c]);
              dk_acc[c] = fma(ds, qs[ii * ${bucket}u + c], dk_acc[c]);
            }
          }
        }
      }
      workgroupBarrier();
    }
  }
  if (in_range) {
    for (var c = 0u; c < u.headDim; c++) {
      dk[u.dk_o + kb + c] = dk_acc[c];
      dv[u.dv_o + kb + c] = dv_acc[c];
    }
  }
}`;
}

registerWebGpuKernel(AttentionGrad, ({ backend, inputs, outputs: [dq, dk, dv], attrs }) => {
  const [q, k, v, out, lse, dout, mask] = inputs;
  const d = attentionDims(q!, k!, v!, mask, attrs);
  const bucket = headDimBucket(d.headDim);
  const withMask = mask !== undefined;
  const base = `${variantKey(AttentionGrad, attrs)}|d${bucket}|${withMask ? 'mask' : 'nomask'}`;
  const maskDecl: BindingDecl[] = withMask ? [i32In('mask')] : [];
  const maskView = withMask ? [tensorView(mask!)] : [];
  const values = attentionValues(d);
  const rows = d.batch * d.heads * d.tq;
  const dsum: BufferView = { buffer: backend.scratch(Math.max(rows, 1) * 4), offset: 0, span: rows };
  const [qv, kv, vv] = [tensorView(q!), tensorView(k!), tensorView(v!)];
  if (rows > 0) {
    const dqProgram = backend.program(`${base}|dq`, () => ({
      key: `${base}|dq`,
      bindings: [...['q', 'k', 'v', 'out', 'lse', 'dout'].map(f32In), ...maskDecl, f32Out('dq'), f32Out('dsum')],
      uniforms: ATTENTION_UNIFORMS,
      code: dqCode(d.causal, withMask, bucket),
    }));
    backend.dispatch(
      dqProgram,
      [qv, kv, vv, tensorView(out!), tensorView(lse!), tensorView(dout!), ...maskView, tensorView(dq!), dsum],
      values,
      [Math.ceil(d.tq / ROWS), d.batch * d.heads],
    );
  }
  if (d.batch * d.kvHeads * d.tk > 0) {
    const dkvProgram = backend.program(`${base}|dkv`, () => ({
      key: `${base}|dkv`,
      bindings: [...['q', 'k', 'v', 'lse', 'dout', 'dsum'].map(f32In), ...maskDecl, f32Out('dk'), f32Out('dv')],
      uniforms: ATTENTION_UNIFORMS,
      code: dkvCode(d.causal, withMask, bucket),
    }));
    backend.dispatch(
      dkvProgram,
      [qv, kv, vv, tensorView(lse!), tensorView(dout!), dsum, ...maskView, tensorView(dk!), tensorView(dv!)],
      values,
      [Math.ceil(d.tk / ROWS), d.batch * d.kvHeads],
    );
  }
  backend.free(dsum.buffer);
});
