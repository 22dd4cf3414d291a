import { LayerNormGrad } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { layerNormGradRows } from '../reference/norm.js';
import { lastAxisRows } from './rows.js';

registerKernel<CpuBackend, unknown>(LayerNormGrad, 'cpu', ({ backend, inputs: [x, w, mean, rstd, dy] }) => {
  const { rows, n } = lastAxisRows(x!.shape);
  const k = 'LayerNormGrad';
  const dx = backend.floatOutput(x!.dtype, x!.shape);
  const dw = backend.floatOutput(x!.dtype, w!.shape);
  const db = backend.floatOutput(x!.dtype, w!.shape);
  layerNormGradRows(
    dx.data,
    dw.data,
    db.data,
    backend.floats(x!, k),
    backend.floats(w!, k),
    backend.floats(mean!, k),
    backend.floats(rstd!, k),
    backend.floats(dy!, k),
    rows,
    n,
  );
  return [dx.out, dw.out, db.out];
});
