/** dlogits = dlogp * (onehot(label) - softmax(logits)) per row, zero rows for labels outside [0, V). */
import { TokenLogProbsGrad } from '../../../kernels/loss.js';
import { rowEnables, rowGrid, rowKernel, rowMaxAndSumExp, rowShape } from '../programs/rows.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32In, f32Out, i32In, u32 } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(TokenLogProbsGrad, ({ backend, inputs: [logits, labels, dlogp], outputs: [dlogits] }) => {
  const [rows, vocab] = logits!.shape as [number, number];
  if (rows * vocab === 0) return;
  const shape = rowShape(backend, 'TokenLogProbsGrad', vocab);
  const wg = shape.wg;
  const program = backend.program(shape.key, () => ({
    key: shape.key,
    enables: rowEnables(shape),
    bindings: [f32In('logits'), i32In('labels'), f32In('dlogp'), f32Out('dlogits')],
    uniforms: [u32('rows'), u32('vocab')],
    code: rowKernel(
      shape,
      /* wgsl */ `
  let label = labels[u.labels_o + row];
  let gb = u.dlogits_o + row * u.vocab;
  if (label < 0 || u32(label) >= u.vocab) {
    for (var j = lix; j < u.vocab; j += ${wg}u) { dlogits[gb + j] = 0.0; }
    return;
  }
  let xb = u.logits_o + row * u.vocab;
  ${rowMaxAndSumExp(wg, 'logits', 'xb', 'u.vocab')}
  let g = dlogp[u.dlogp_o + row];
  for (var j = lix; j < u.vocab; j += ${wg}u) {
    let d = -g * (exp(logits[xb + j] - m) / s);
    dlogits[gb + j] = select(d, d + g, j == u32(label));
  }`,
    ),
  }));
  backend.dispatch(program, [logits!, labels!, dlogp!, dlogits!].map(tensorView), { rows, vocab }, rowGrid(rows));
});
