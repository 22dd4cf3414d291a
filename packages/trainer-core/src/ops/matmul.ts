/** Batched matrix multiplication with transposes, and the Linear layer's x @ W^T + b. */

import { registerGradient } from '../autograd/gradients.js';
import { recordOp, shouldRecord } from '../autograd/record.js';
import { Matmul } from '../kernels/index.js';
import { runKernel } from '../tensor/engine.js';
import { isContiguous, shapeSize } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from './elementwise.js';
import { sumToShape } from './reduce.js';
import { contiguous, reshape, transpose } from './shape-ops.js';

export interface MatmulOptions {
  /** Use a^T: a is stored [..., K, M]. */
  transA?: boolean;
  /** Use b^T: b is stored [..., N, K] (a Linear weight [out, in]). */
  transB?: boolean;
  /** Scale of the product (default 1). */
  alpha?: number;
}

/** Whether the last two axes of x are a transposed contiguous block (e.g. transpose(w)). */
function isTransposedContiguous(x: Tensor): boolean {
  if (x.rank < 2) return false;
  const shape = [...x.shape];
  const strides = [...x.strides];
  const r = x.rank;
  [shape[r - 2], shape[r - 1]] = [shape[r - 1]!, shape[r - 2]!];
  [strides[r - 2], strides[r - 1]] = [strides[r - 1]!, strides[r - 2]!];
  return isContiguous(shape, strides);
}

/** A contiguous operand and its transpose flag: transposed views flip the flag instead of copying. */
function operand(x: Tensor, trans: boolean): { t: Tensor; trans: boolean; temp: boolean } {
  if (x.isContiguous) return { t: x, trans, temp: false };
  if (isTransposedContiguous(x)) return { t: transpose(x), trans: !trans, temp: true };
  return { t: contiguous(x), trans, temp: true };
}

/** alpha * op(a) @ op(b), batch axes broadcast (rank >= 2 each). */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  a.assertAlive('matmul');
  b.assertAlive('matmul');
  const attrs = { transA: options.transA ?? false, transB: options.transB ?? false, alpha: options.alpha ?? 1 };
  const oa = operand(a, attrs.transA);
  const ob = operand(b, attrs.transB);
  const [out] = runKernel(Matmul, [oa.t, ob.t], { transA: oa.trans, transB: ob.trans, alpha: attrs.alpha });
  if (oa.temp) oa.t.dispose();
  if (ob.temp) ob.t.dispose();
  if (shouldRecord([a, b])) recordOp(Matmul, [a, b], [out!], attrs, [a, b]);
  return out!;
}

registerGradient(Matmul, {
  save: (inputs) => [inputs[0]!, inputs[1]!],
  grad: ({ dy, saved, attrs, inputs, needsGrad }) => {
    const [a, b] = saved as [Tensor, Tensor];
    const { transA, transB, alpha } = attrs;
    const aShape = inputs[0]!.shape;
    const bShape = inputs[1]!.shape;
    const folded = !transA && shapeSize(bShape.slice(0, -2)) === 1 && aShape.length > 2;
    let da: Tensor | null = null;
    let db: Tensor | null = null;
    if (needsGrad[0]) {
      // d op(A) = dY @ op(B)^T; for a stored A^T, dA = op(B) @ dY^T.
      da = transA
        ? matmul(b, dy, { transA: transB, transB: true, alpha })
        : matmul(dy, b, { transA: false, transB: !transB, alpha });
      da = sumToShape(da, aShape);
    }
    if (needsGrad[1]) {
      if (folded) {
        // The forward folded A's batch into M: reduce over all rows in one 2-D product.
        const k = aShape[aShape.length - 1]!;
        const n = dy.shape[dy.rank - 1]!;
        const a2 = reshape(a, [-1, k]);
        const dy2 = reshape(dy, [-1, n]);
        const g = transB ? matmul(dy2, a2, { transA: true, alpha }) : matmul(a2, dy2, { transA: true, alpha });
        db = reshape(g, bShape);
      } else {
        // d op(B) = op(A)^T @ dY; for a stored B^T, dB = dY^T @ op(A).
        db = transB
          ? matmul(dy, a, { transA: true, transB: transA, alpha })
          : matmul(a, dy, { transA: !transA, transB: false, alpha });
        db = sumToShape(db, bShape);
      }
    }
    return [da, db];
  },
});

/** x @ weight^T + bias with weight [out, in] (torch.nn.functional.linear). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor): Tensor {
  const y = matmul(x, weight, { transB: true });
  if (!bias) return y;
  const out = add(y, bias);
  y.dispose();
  return out;
}
