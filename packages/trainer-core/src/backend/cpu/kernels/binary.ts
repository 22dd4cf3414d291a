/**
 * The broadcasting binary kernels (Add, Sub, Mul, Div, Minimum, Maximum, Compare) share one body:
 * the reference walks strided views; the fast kernel takes same-size operands it can read flat.
 */
import { BINARY_OPS, type BinaryOp, Compare } from '../../../kernels/elementwise.js';
import { broadcastStrides, contiguousStrides } from '../../../tensor/shape.js';
import type { TensorInfo } from '../../backend.js';
import type { BinaryArgs } from '../fast-kernels.js';
import { binary } from '../reference/elementwise.js';
import { type CpuKernelArgs, registerCpuKernel } from '../register-kernel.js';

/** Row-major contiguous (size-1 axes may have any stride): the fast kernels read it as a flat array. */
function isDense(t: TensorInfo): boolean {
  const want = contiguousStrides(t.shape);
  return t.shape.every((d, i) => d === 1 || t.strides[i] === want[i]);
}

const FAST_OPS = new Set(['add', 'sub', 'mul', 'div']);

function reference(op: BinaryOp, { backend, inputs: [a, b], outputs: [out] }: CpuKernelArgs<unknown>): void {
  const shape = out!.shape;
  binary(
    op,
    backend.floats(out!),
    backend.floats(a!),
    broadcastStrides(a!.shape, a!.strides, shape),
    backend.floats(b!),
    broadcastStrides(b!.shape, b!.strides, shape),
    shape,
    out!.strides,
  );
}

registerCpuKernel(Compare, { reference: (args) => reference(args.attrs.op, args) });

for (const [def, op] of BINARY_OPS) {
  registerCpuKernel(def, {
    reference: (args) => reference(op, args),
    fastWhen: ({ inputs: [a, b], outputs: [out] }) =>
      FAST_OPS.has(op) && a!.size === out!.size && b!.size === out!.size && isDense(a!) && isDense(b!),
    fast: (fast, { backend, inputs: [a, b], outputs: [out] }) =>
      fast.binary({
        op: op as BinaryArgs['op'],
        a: backend.pointer(a!),
        b: backend.pointer(b!),
        out: backend.pointer(out!),
        n: out!.size,
      }),
  });
}
