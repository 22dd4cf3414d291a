import { Attention } from '../../../kernels/attention.js';
import { attentionDims, windowBites } from '../../../kernels/shapes/attention-dims.js';
import { attentionForward } from '../reference/attention.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Attention, {
  reference: ({ backend, inputs: [q, k, v, mask], outputs: [out, lse], attrs }) =>
    attentionForward(
      backend.floats(out!),
      backend.floats(lse!),
      backend.floats(q!),
      backend.floats(k!),
      backend.floats(v!),
      mask ? backend.ints(mask) : undefined,
      attentionDims(q!, k!, v!, mask, attrs),
    ),
  fastWhen: ({ inputs: [q, k, v, mask], attrs }) => !windowBites(attentionDims(q!, k!, v!, mask, attrs)),
  fast: (fast, { backend, inputs: [q, k, v, mask], outputs: [out, lse], attrs }) => {
    const { window: _, ...d } = attentionDims(q!, k!, v!, mask, attrs);
    fast.attention({
      q: backend.pointer(q!),
      k: backend.pointer(k!),
      v: backend.pointer(v!),
      out: backend.pointer(out!),
      lse: backend.pointer(lse!),
      keyMask: mask ? backend.pointer(mask) : 0,
      ...d,
    });
  },
});
