/** Writing into existing tensors (loading checkpoints into parameters) and moving between backends. */

import { noGrad } from '../autograd/grad-mode.js';
import type { Backend } from '../backend/backend.js';
import { Assign } from '../kernels/index.js';
import { matchesDType, type TypedArray } from '../tensor/dtype.js';
import { runKernel } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import { formatShape, shapesEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { tensor } from './create.js';
import { cast } from './elementwise.js';
import { concat, reshape } from './shape-ops.js';

/**
 * Overwrites `dst` in place with `src` (a tensor of the same shape and dtype, or the dtype's typed
 * array in row-major order). Not recorded by autograd; a graph that saved `dst` will refuse to
 * backward afterwards.
 */
export function assign(dst: Tensor, src: Tensor | TypedArray): void {
  dst.assertAlive('assign');
  if (!dst.isContiguous) throw new Error(`assign: ${dst.describe()} is a strided view; assign to a contiguous tensor`);
  if (ArrayBuffer.isView(src)) {
    if (src.length !== dst.size || !matchesDType(src, dst.dtype)) {
      throw new RangeError(`assign: ${src.length} values of ${src.constructor.name} do not fit ${dst.describe()}`);
    }
    dst.backend.upload(dst.storage.handle, dst.dtype, src, dst.offset);
    dst.storage.version++;
    return;
  }
  src.assertAlive('assign');
  if (!shapesEqual(src.shape, dst.shape) || src.dtype !== dst.dtype) {
    throw new RangeError(`assign: ${src.describe()} does not match ${dst.describe()} (${formatShape(dst.shape)})`);
  }
  runKernel(Assign, [dst, src], {});
}

/** A copy of `t` on `backend` (data goes through the host). */
export async function toBackend(t: Tensor, backend: Backend): Promise<Tensor> {
  if (t.backend === backend) return t;
  return tensor(await t.data(), t.shape, t.dtype, { backend });
}

/**
 * Reads named scalar tensors (loss, grad norm, accuracy, token count, ...) with one transfer:
 * they are packed into one f32 tensor on their device and downloaded once. This is how metrics
 * leave the device, on logging steps only; every other step leaves them where they are.
 */
export async function readScalars<K extends string>(scalars: Readonly<Record<K, Tensor>>): Promise<Record<K, number>> {
  const names = Object.keys(scalars) as K[];
  if (names.length === 0) return {} as Record<K, number>;
  const packed = noGrad(() =>
    tidy(() =>
      concat(
        names.map((name) => {
          const t = scalars[name];
          if (t.size !== 1) throw new RangeError(`readScalars: ${name} is ${t.describe()}, expected one element`);
          return reshape(cast(t, 'f32'), [1]);
        }),
        0,
      ),
    ),
  );
  try {
    const data = await packed.data();
    return Object.fromEntries(names.map((name, i) => [name, data[i]!])) as Record<K, number>;
  } finally {
    packed.dispose();
  }
}
