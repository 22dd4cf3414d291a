import { Attention } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { attentionForward } from '../reference/attention.js';
import { attentionDims } from './attention-shape.js';

registerKernel<CpuBackend, { causal: boolean; scale: number }>(Attention, 'cpu', ({ backend, inputs, attrs }) => {
  const [q, k, v, mask] = inputs;
  const d = attentionDims(q!, k!, v!, mask, attrs.causal, attrs.scale);
  const out = backend.floatOutput(q!.dtype, q!.shape);
  const lse = backend.floatOutput(q!.dtype, [d.batch, d.heads, d.tq]);
  const fast = backend.fastFor(q!.dtype);
  if (fast) {
    fast.attention({
      q: backend.pointer(q!),
      k: backend.pointer(k!),
      v: backend.pointer(v!),
      out: out.ptr,
      lse: lse.ptr,
      ...d,
      keyMask: mask ? backend.pointer(mask) : 0,
    });
  } else {
    attentionForward(
      out.data,
      lse.data,
      backend.floats(q!, 'Attention'),
      backend.floats(k!, 'Attention'),
      backend.floats(v!, 'Attention'),
      mask ? backend.ints(mask, 'Attention key mask') : undefined,
      d,
    );
  }
  return [out.out, lse.out];
});
