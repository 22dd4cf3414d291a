/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_). */
import { Add, ScaleInPlace, SumSquares } from '../backend/kernel-defs.js';
import { runKernel } from '../tensor/engine.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Scales every gradient by max_norm / (total_norm + 1e-6) when that is below 1 and returns the
 * total L2 norm before clipping (what the Hugging Face Trainer logs as `grad_norm`). A non-finite
 * norm is returned as is and, as in PyTorch, propagates into the gradients.
 */
export async function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): Promise<number> {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: max norm must be > 0, got ${maxNorm}`);
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null && !g.isDisposed);
  if (grads.length === 0) return 0;
  let total: Tensor | undefined;
  for (const g of grads) {
    const sq = runKernel(SumSquares, [g], {})[0]!;
    if (total) {
      const next = runKernel(Add, [total, sq], {})[0]!;
      total.dispose();
      sq.dispose();
      total = next;
    } else {
      total = sq;
    }
  }
  let norm: number;
  try {
    norm = Math.sqrt(await total!.item());
  } finally {
    total!.dispose();
  }
  const coef = maxNorm / (norm + 1e-6);
  if (!(coef >= 1)) for (const g of grads) runKernel(ScaleInPlace, [g], { scale: coef });
  return norm;
}
