/**
 * Fused token cross-entropy in three dispatches, without float atomics: (1) one workgroup counts
 * the rows that count (label in [0, V), not the ignore index, mask non-zero); (2) one workgroup
 * per row computes its loss term, whether its first argmax is the label and, with `withGrad`,
 * its row of d(mean loss)/d(logits) = (softmax - onehot) / tokens; (3) one workgroup sums the
 * row terms in order into loss and accuracy. Everything stays on the device.
 */
import { CrossEntropy } from '../../../kernels/loss.js';
import { rowEnables, rowGrid, rowKernel, rowMaxAndSumExp, rowShape } from '../programs/rows.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { type BindingDecl, f32In, f32Out, i32, i32In, i32Out, u32 } from '../shader/spec.js';
import { type BufferView, tensorView } from '../webgpu-backend.js';

/** WGSL: whether row r counts. */
const counted = (mask: boolean) => /* wgsl */ `
fn counted(r: u32) -> bool {
  let label = labels[u.labels_o + r];
  return label != u.ignoreIndex && label >= 0 && u32(label) < u.vocab${mask ? ' && mask[u.mask_o + r] != 0' : ''};
}`;

registerWebGpuKernel(CrossEntropy, ({ backend, inputs: [logits, labels, mask], outputs, attrs }) => {
  const [loss, accuracy, tokens, dlogits] = outputs;
  const [rows, vocab] = logits!.shape as [number, number];
  const withMask = mask !== undefined;
  const maskDecl: BindingDecl[] = withMask ? [i32In('mask')] : [];
  const maskView: BufferView[] = withMask ? [tensorView(mask!)] : [];
  const uniforms = [u32('rows'), u32('vocab'), i32('ignoreIndex')];
  const values = { rows, vocab, ignoreIndex: attrs.ignoreIndex };
  const suffix = withMask ? 'mask' : 'nomask';

  const single = rowShape(backend, `CrossEntropy.count|${suffix}`, Infinity);
  const count = backend.program(single.key, () => ({
    key: single.key,
    enables: rowEnables(single),
    bindings: [i32In('labels'), ...maskDecl, i32Out('tokens')],
    uniforms,
    code: `${counted(withMask)}
${rowKernel(
  single,
  /* wgsl */ `
  var c = 0.0;
  for (var r = lix; r < u.rows; r += ${single.wg}u) { if (counted(r)) { c += 1.0; } }
  c = wg_sum(c, lix);
  if (lix == 0u) { tokens[u.tokens_o] = i32(c); }`,
  false,
)}`,
  }));
  backend.dispatch(count, [tensorView(labels!), ...maskView, tensorView(tokens!)], values, [1]);

  // Per-row terms: [loss term, correct] for each row.
  const terms: BufferView = { buffer: backend.scratch(Math.max(rows, 1) * 8), offset: 0, span: rows * 2 };
  const grad = dlogits !== undefined;
  const shape = rowShape(backend, `CrossEntropy.rows|${suffix}|${grad ? 'grad' : 'nograd'}`, vocab);
  const wg = shape.wg;
  const rowProgram = backend.program(shape.key, () => ({
    key: shape.key,
    enables: rowEnables(shape),
    bindings: [
      f32In('logits'),
      i32In('labels'),
      ...maskDecl,
      i32In('tokens'),
      f32Out('terms'),
      ...(grad ? [f32Out('dlogits')] : []),
    ],
    uniforms,
    code: `${counted(withMask)}
var<workgroup> arg_red: array<u32, ${wg}>;
${rowKernel(
  shape,
  /* wgsl */ `
  let xb = u.logits_o + row * u.vocab;
  let tb = u.terms_o + row * 2u;
  if (!counted(row)) {
    ${grad ? `for (var j = lix; j < u.vocab; j += ${wg}u) { dlogits[u.dlogits_o + row * u.vocab + j] = 0.0; }` : ''}
    if (lix == 0u) { terms[tb] = 0.0; terms[tb + 1u] = 0.0; }
    return;
  }
  ${rowMaxAndSumExp(wg, 'logits', 'xb', 'u.vocab')}
  // The first index holding the maximum.
  var first = u.vocab;
  for (var j = lix; j < u.vocab; j += ${wg}u) { if (logits[xb + j] == m) { first = min(first, j); } }
  arg_red[lix] = first;
  workgroupBarrier();
  for (var half = ${wg / 2}u; half > 0u; half = half >> 1u) {
    if (lix < half) { arg_red[lix] = min(arg_red[lix], arg_red[lix + half]); }
    workgroupBarrier();
  }
  let arg = arg_red[0];
  let label = u32(labels[u.labels_o + row]);
  ${
    grad
      ? `let inv_tokens = 1.0 / f32(max(tokens[u.tokens_o], 1));
  let scale = inv_tokens / s;
  for (var j = lix; j < u.vocab; j += ${wg}u) {
    let g = exp(logits[xb + j] - m) * scale;
    dlogits[u.dlogits_o + row * u.vocab + j] = select(g, g - inv_tokens, j == label);
  }`
      : ''
  }
  if (lix == 0u) {
    terms[tb] = (m - logits[xb + label]) + log(s);
    terms[tb + 1u] = select(0.0, 1.0, arg == label);
  }`,
)}`,
  }));
  if (rows > 0) {
    backend.dispatch(
      rowProgram,
      [
        tensorView(logits!),
        tensorView(labels!),
        ...maskView,
        tensorView(tokens!),
        terms,
        ...(grad ? [tensorView(dlogits)] : []),
      ],
      values,
      rowGrid(rows),
    );
  }

  const total = rowShape(backend, 'CrossEntropy.sum', Infinity);
  const sum = backend.program(total.key, () => ({
    key: total.key,
    enables: rowEnables(total),
    bindings: [f32In('terms'), i32In('tokens'), f32Out('loss'), f32Out('accuracy')],
    uniforms: [u32('rows')],
    code: rowKernel(
      total,
      /* wgsl */ `
  var l = 0.0;
  var c = 0.0;
  for (var r = lix; r < u.rows; r += ${total.wg}u) {
    l += terms[u.terms_o + r * 2u];
    c += terms[u.terms_o + r * 2u + 1u];
  }
  l = wg_sum(l, lix);
  c = wg_sum(c, lix);
  if (lix == 0u) {
    let t = tokens[u.tokens_o];
    let inv = select(0.0, 1.0 / f32(t), t > 0);
    loss[u.loss_o] = l * inv;
    accuracy[u.accuracy_o] = c * inv;
  }`,
      false,
    ),
  }));
  backend.dispatch(sum, [terms, tensorView(tokens!), tensorView(loss!), tensorView(accuracy!)], { rows }, [1]);
  backend.free(terms.buffer);
});
