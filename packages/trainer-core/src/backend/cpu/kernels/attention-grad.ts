import { AttentionGrad } from '../../../kernels/attention.js';
import { attentionDims, windowBites } from '../../../kernels/shapes/attention-dims.js';
import { attentionBackward } from '../reference/attention.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(AttentionGrad, {
  reference: ({ backend, inputs: [q, k, v, out, lse, dout, mask], outputs: [dq, dk, dv], attrs }) => {
    const f = backend.floats.bind(backend);
    attentionBackward(
      f(dq!),
      f(dk!),
      f(dv!),
      f(q!),
      f(k!),
      f(v!),
      f(out!),
      f(lse!),
      f(dout!),
      mask ? backend.ints(mask) : undefined,
      attentionDims(q!, k!, v!, mask, attrs),
    );
  },
  fastWhen: ({ inputs: [q, k, v, , , , mask], attrs }) => !windowBites(attentionDims(q!, k!, v!, mask, attrs)),
  fast: (fast, { backend, inputs: [q, k, v, out, lse, dout, mask], outputs: [dq, dk, dv], attrs }) => {
    const { window: _, ...d } = attentionDims(q!, k!, v!, mask, attrs);
    const p = backend.pointer.bind(backend);
    fast.attentionBackward({
      q: p(q!),
      k: p(k!),
      v: p(v!),
      out: p(out!),
      lse: p(lse!),
      dout: p(dout!),
      dq: p(dq!),
      dk: p(dk!),
      dv: p(dv!),
      keyMask: mask ? p(mask) : 0,
      ...d,
    });
  },
});
