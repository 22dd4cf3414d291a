/** Shared body of the four broadcasting arithmetic kernels. */

import { broadcastShapes, broadcastStrides, contiguousStrides } from '../../../tensor/shape.js';
import type { KernelOutput, TensorInfo } from '../../backend.js';
import type { CpuBackend } from '../cpu-backend.js';
import { type BinaryOp, binary } from '../reference/elementwise.js';

export function binaryKernel(
  op: BinaryOp,
  name: string,
  backend: CpuBackend,
  a: TensorInfo,
  b: TensorInfo,
): KernelOutput[] {
  if (a.dtype !== b.dtype) throw new TypeError(`${name}: dtypes differ (${a.dtype} and ${b.dtype})`);
  const shape = broadcastShapes(a.shape, b.shape, name);
  const { out, data, ptr } = backend.floatOutput(a.dtype, shape);
  const fast = backend.fastFor(a.dtype);
  if (fast && a.size === data.length && b.size === data.length && isDense(a) && isDense(b)) {
    fast.binary({ op, a: backend.pointer(a), b: backend.pointer(b), out: ptr, n: data.length });
    return [out];
  }
  binary(
    op,
    data,
    backend.floats(a, name),
    broadcastStrides(a.shape, a.strides, shape),
    backend.floats(b, name),
    broadcastStrides(b.shape, b.strides, shape),
    shape,
    contiguousStrides(shape),
  );
  return [out];
}

/** Row-major contiguous (size-1 axes may have any stride): the fast kernels read it as a flat array. */
function isDense(t: TensorInfo): boolean {
  const want = contiguousStrides(t.shape);
  return t.shape.every((d, i) => d === 1 || t.strides[i] === want[i]);
}
