import { AttentionGrad } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { attentionBackward } from '../reference/attention.js';
import { attentionDims } from './attention-shape.js';

registerKernel<CpuBackend, { causal: boolean; scale: number }>(AttentionGrad, 'cpu', ({ backend, inputs, attrs }) => {
  const [q, k, v, out, lse, dout, mask] = inputs;
  const d = attentionDims(q!, k!, v!, mask, attrs.causal, attrs.scale);
  const dq = backend.floatOutput(q!.dtype, q!.shape);
  const dk = backend.floatOutput(q!.dtype, k!.shape);
  const dv = backend.floatOutput(q!.dtype, v!.shape);
  const fast = backend.fastFor(q!.dtype);
  if (fast) {
    fast.attentionBackward({
      q: backend.pointer(q!),
      k: backend.pointer(k!),
      v: backend.pointer(v!),
      out: backend.pointer(out!),
      lse: backend.pointer(lse!),
      dout: backend.pointer(dout!),
      dq: dq.ptr,
      dk: dk.ptr,
      dv: dv.ptr,
      ...d,
      keyMask: mask ? backend.pointer(mask) : 0,
    });
  } else {
    const f = (t: typeof q) => backend.floats(t!, 'AttentionGrad');
    attentionBackward(
      dq.data,
      dk.data,
      dv.data,
      f(q),
      f(k),
      f(v),
      f(out),
      f(lse),
      f(dout),
      mask ? backend.ints(mask, 'AttentionGrad key mask') : undefined,
      d,
    );
  }
  return [dq.out, dk.out, dv.out];
});
