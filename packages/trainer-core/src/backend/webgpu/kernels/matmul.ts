/** Batched, transposed matmul through the shared plan (kernels/shapes/matmul-plan.ts): one dispatch per call. */
import { Matmul } from '../../../kernels/matmul.js';
import { planMatmul } from '../../../kernels/shapes/matmul-plan.js';
import { runMatmul } from '../programs/matmul.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(Matmul, ({ backend, inputs: [a, b], outputs: [c], attrs: { transA, transB, alpha } }) => {
  const { m, n, k, calls } = planMatmul(a!.shape, b!.shape, transA, transB);
  const [av, bv, cv] = [tensorView(a!), tensorView(b!), tensorView(c!)];
  for (const call of calls) runMatmul(backend, { a: av, b: bv, c: cv, m, n, k, transA, transB, alpha, call });
});
