import { UnaryGrad, type UnaryOp } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { unaryGrad } from '../reference/elementwise.js';

registerKernel<CpuBackend, { op: UnaryOp }>(UnaryGrad, 'cpu', ({ backend, inputs: [s, dy], attrs }) => {
  const what = `UnaryGrad(${attrs.op})`;
  const { out, data } = backend.floatOutput(dy!.dtype, dy!.shape);
  unaryGrad(attrs.op, data, backend.floats(s!, what), backend.floats(dy!, what), dy!.size);
  return [out];
});
