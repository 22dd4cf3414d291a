/** The reference loops of one planned batched matmul call (the oracle of the fast kernels). */
import type { MatmulCall } from '../../../kernels/shapes/matmul-plan.js';
import type { FloatArray } from '../../../tensor/dtype.js';

export interface MatmulRefArgs {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  accumulate: boolean;
}

/** One planned call on plain arrays: C[b] = alpha * op(A[b]) @ op(B[b]) (+ C[b]). */
export function matmulReference(c: FloatArray, a: FloatArray, b: FloatArray, p: MatmulRefArgs, call: MatmulCall): void {
  const { m, n, k, transA, transB, alpha, accumulate } = p;
  // Element strides of op(A)[i, p] and op(B)[p, j].
  const ai = transA ? 1 : k;
  const ap = transA ? m : 1;
  const bp = transB ? 1 : n;
  const bj = transB ? k : 1;
  const row = new Float64Array(n);
  for (let t = 0; t < call.batch; t++) {
    const ao = call.aOffset + t * call.strideA;
    const bo = call.bOffset + t * call.strideB;
    const co = call.cOffset + t * call.strideC;
    for (let i = 0; i < m; i++) {
      if (bj === 1) {
        // i-p-j: stream rows of B.
        row.fill(0);
        for (let q = 0; q < k; q++) {
          const av = a[ao + i * ai + q * ap]!;
          if (av === 0) continue;
          const br = bo + q * bp;
          for (let j = 0; j < n; j++) row[j]! += av * b[br + j]!;
        }
      } else {
        // Dot products against rows of B^T.
        for (let j = 0; j < n; j++) {
          let s = 0;
          const bc = bo + j * bj;
          const ar = ao + i * ai;
          for (let q = 0; q < k; q++) s += a[ar + q * ap]! * b[bc + q * bp]!;
          row[j] = s;
        }
      }
      const cr = co + i * n;
      if (accumulate) for (let j = 0; j < n; j++) c[cr + j]! += alpha * row[j]!;
      else for (let j = 0; j < n; j++) c[cr + j] = alpha * row[j]!;
    }
  }
}
