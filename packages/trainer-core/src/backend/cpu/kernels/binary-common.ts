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
  const { out, data } = backend.floatOutput(a.dtype, shape);
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
