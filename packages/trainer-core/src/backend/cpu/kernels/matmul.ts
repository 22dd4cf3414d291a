import { Matmul } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { matmulReference, planMatmul } from '../reference/matmul.js';

registerKernel<CpuBackend, { transA: boolean; transB: boolean; alpha: number }>(
  Matmul,
  'cpu',
  ({ backend, inputs: [a, b], attrs }) => {
    if (a!.dtype !== b!.dtype) throw new TypeError(`Matmul: dtypes differ (${a!.dtype} and ${b!.dtype})`);
    const { transA, transB, alpha } = attrs;
    const plan = planMatmul(a!.shape, b!.shape, transA, transB);
    const { m, n, k } = plan;
    const c = backend.floatOutput(a!.dtype, plan.outShape);
    if (c.data.length === 0) return [c.out];
    if (k === 0) {
      c.data.fill(0);
      return [c.out];
    }
    const fast = backend.fastFor(a!.dtype);
    if (fast) {
      const pa = backend.pointer(a!);
      const pb = backend.pointer(b!);
      for (const call of plan.calls) {
        fast.matmul({
          a: pa + call.aOffset * 4,
          b: pb + call.bOffset * 4,
          c: c.ptr + call.cOffset * 4,
          m,
          n,
          k,
          transA,
          transB,
          batch: call.batch,
          strideA: call.strideA,
          strideB: call.strideB,
          strideC: call.strideC,
          accumulate: false,
          alpha,
        });
      }
    } else {
      const av = backend.floats(a!, 'Matmul');
      const bv = backend.floats(b!, 'Matmul');
      for (const call of plan.calls) {
        matmulReference(c.data, av, bv, { m, n, k, transA, transB, alpha, accumulate: false }, call);
      }
    }
    return [c.out];
  },
);
