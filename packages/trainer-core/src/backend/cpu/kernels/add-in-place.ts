import { AddInPlace } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';

registerKernel<CpuBackend, { alpha: number }>(AddInPlace, 'cpu', ({ backend, inputs: [dst, src], attrs }) => {
  if (dst!.size !== src!.size) throw new RangeError(`AddInPlace: sizes differ (${dst!.size} and ${src!.size})`);
  const fast = src!.dtype === dst!.dtype ? backend.fastFor(dst!.dtype) : undefined;
  if (fast) {
    fast.addInPlace({ dst: backend.pointer(dst!), src: backend.pointer(src!), n: dst!.size, alpha: attrs.alpha });
    return [];
  }
  const d = backend.floats(dst!, 'AddInPlace');
  const s = backend.floats(src!, 'AddInPlace');
  const n = dst!.size;
  const alpha = attrs.alpha;
  if (alpha === 1) for (let i = 0; i < n; i++) d[i]! += s[i]!;
  else for (let i = 0; i < n; i++) d[i]! += alpha * s[i]!;
  return [];
});
