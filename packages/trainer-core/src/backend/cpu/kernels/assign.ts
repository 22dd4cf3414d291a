import { Assign } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';

registerKernel<CpuBackend, unknown>(Assign, 'cpu', ({ backend, inputs: [dst, src] }) => {
  if (dst!.size !== src!.size || dst!.dtype !== src!.dtype) {
    throw new RangeError(`Assign: ${src!.size} ${src!.dtype} values into ${dst!.size} ${dst!.dtype}`);
  }
  backend.view(dst!).set(backend.view(src!) as never);
  return [];
});
