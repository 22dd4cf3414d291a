import { LayerNorm } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { layerNormRows } from '../reference/norm.js';
import { lastAxisRows } from './rows.js';

registerKernel<CpuBackend, { eps: number }>(LayerNorm, 'cpu', ({ backend, inputs: [x, w, b], attrs }) => {
  const { rows, n } = lastAxisRows(x!.shape);
  if (w!.size !== n || (b && b.size !== n)) throw new RangeError(`LayerNorm: weight/bias must have ${n} elements`);
  const k = 'LayerNorm';
  const y = backend.floatOutput(x!.dtype, x!.shape);
  const mean = backend.floatOutput(x!.dtype, [rows]);
  const rstd = backend.floatOutput(x!.dtype, [rows]);
  layerNormRows(
    y.data,
    mean.data,
    rstd.data,
    backend.floats(x!, k),
    backend.floats(w!, k),
    b ? backend.floats(b, k) : undefined,
    rows,
    n,
    attrs.eps,
  );
  return [y.out, mean.out, rstd.out];
});
