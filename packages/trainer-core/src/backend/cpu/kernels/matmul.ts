import { Matmul } from '../../../kernels/matmul.js';
import { planMatmul } from '../../../kernels/shapes/matmul-plan.js';
import { matmulReference } from '../reference/matmul.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Matmul, {
  reference: ({ backend, inputs: [a, b], outputs: [c], attrs: { transA, transB, alpha } }) => {
    const { m, n, k, calls } = planMatmul(a!.shape, b!.shape, transA, transB);
    const [cv, av, bv] = [backend.floats(c!), backend.floats(a!), backend.floats(b!)];
    for (const call of calls) matmulReference(cv, av, bv, { m, n, k, transA, transB, alpha, accumulate: false }, call);
  },
  fast: (fast, { backend, inputs: [a, b], outputs: [c], attrs: { transA, transB, alpha } }) => {
    const { m, n, k, calls } = planMatmul(a!.shape, b!.shape, transA, transB);
    const [pa, pb, pc] = [backend.pointer(a!), backend.pointer(b!), backend.pointer(c!)];
    for (const call of calls) {
      fast.matmul({
        a: pa + call.aOffset * 4,
        b: pb + call.bOffset * 4,
        c: pc + call.cOffset * 4,
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
  },
});
