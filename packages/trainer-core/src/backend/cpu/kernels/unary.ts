import { Unary, type UnaryOp } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { unary } from '../reference/elementwise.js';

registerKernel<CpuBackend, { op: UnaryOp }>(Unary, 'cpu', ({ backend, inputs: [x], attrs }) => {
  const { out, data } = backend.floatOutput(x!.dtype, x!.shape);
  unary(attrs.op, data, backend.floats(x!, `Unary(${attrs.op})`), x!.size);
  return [out];
});
