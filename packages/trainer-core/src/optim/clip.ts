/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_), with nothing read back to the host. */
import { noGrad } from '../autograd/grad-mode.js';
import { Add, Div, Minimum } from '../kernels/elementwise.js';
import { ScaleInPlace } from '../kernels/memory.js';
import { SumSquares } from '../kernels/reduce.js';
import { full } from '../ops/create.js';
import { affine, sqrt } from '../ops/elementwise.js';
import { runKernel } from '../tensor/engine.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * Scales every gradient by min(1, max_norm / (total_norm + 1e-6)) and returns the total L2 norm
 * before clipping (what the Hugging Face Trainer logs as `grad_norm`), as a scalar tensor on the
 * gradients' device: the coefficient is computed and applied there, as torch does, so clipping
 * never waits for the device. A non-finite norm propagates into the gradients, as in PyTorch.
 */
export function clipGradNorm(params: Iterable<Tensor>, maxNorm: number): Tensor {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) {
    throw new RangeError(`clipGradNorm: max norm must be a finite number > 0, got ${maxNorm}`);
  }
  const grads = [...params].map((p) => p.grad).filter((g): g is Tensor => g !== null && !g.isDisposed);
  const first = grads[0];
  if (!first) return full([], 0, 'f32');
  return noGrad(() =>
    tidy(() => {
      let total = runKernel(SumSquares, [first], {})[0]!;
      for (const g of grads.slice(1)) total = runKernel(Add, [total, runKernel(SumSquares, [g], {})[0]!], {})[0]!;
      const norm = keep(sqrt(total));
      const options = { backend: first.backend };
      const ratio = runKernel(Div, [full([], maxNorm, first.dtype, options), affine(norm, 1, 1e-6)], {})[0]!;
      const coef = runKernel(Minimum, [ratio, full([], 1, first.dtype, options)], {})[0]!;
      for (const g of grads) runKernel(ScaleInPlace, [g, coef], {});
      return norm;
    }),
  );
}
