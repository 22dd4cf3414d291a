import { AddInPlace } from '../../../kernels/memory.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(AddInPlace, {
  reference: ({ backend, inputs: [dst, src], attrs: { alpha } }) => {
    const d = backend.floats(dst!);
    const s = backend.floats(src!);
    const n = dst!.size;
    if (alpha === 1) for (let i = 0; i < n; i++) d[i]! += s[i]!;
    else for (let i = 0; i < n; i++) d[i]! += alpha * s[i]!;
  },
  fast: (fast, { backend, inputs: [dst, src], attrs: { alpha } }) =>
    fast.addInPlace({ dst: backend.pointer(dst!), src: backend.pointer(src!), n: dst!.size, alpha }),
});
