/** log_softmax(logits)[label] per row (0 for a label outside [0, V)): one workgroup per row. */
import { TokenLogProbs } from '../../../kernels/loss.js';
import { rowEnables, rowGrid, rowKernel, rowMaxAndSumExp, rowShape } from '../programs/rows.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32In, f32Out, i32In, u32 } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(TokenLogProbs, ({ backend, inputs: [logits, labels], outputs: [logp] }) => {
  const [rows, vocab] = logits!.shape as [number, number];
  if (rows === 0) return;
  const shape = rowShape(backend, 'TokenLogProbs', vocab);
  const wg = shape.wg;
  const program = backend.program(shape.key, () => ({
    key: shape.key,
    enables: rowEnables(shape),
    bindings: [f32In('logits'), i32In('labels'), f32Out('logp')],
    uniforms: [u32('rows'), u32('vocab')],
    code: rowKernel(
      shape,
      /* wgsl */ `
  let label = labels[u.labels_o + row];
  if (label < 0 || u32(label) >= u.vocab) {
    if (lix == 0u) { logp[u.logp_o + row] = 0.0; }
    return;
  }
  let xb = u.logits_o + row * u.vocab;
  ${rowMaxAndSumExp(wg, 'logits', 'xb', 'u.vocab')}
  if (lix == 0u) { logp[u.logp_o + row] = (logits[xb + u32(label)] - m) - log(s); }`,
    ),
  }));
  backend.dispatch(program, [logits!, labels!, logp!].map(tensorView), { rows, vocab }, rowGrid(rows));
});
