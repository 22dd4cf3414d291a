import { RmsNormGrad } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { rmsNormGradRows } from '../reference/norm.js';
import { lastAxisRows } from './rows.js';

registerKernel<CpuBackend, { weightOffset: number }>(
  RmsNormGrad,
  'cpu',
  ({ backend, inputs: [x, w, rstd, dy], attrs }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    const dx = backend.floatOutput(x!.dtype, x!.shape);
    const dw = backend.floatOutput(x!.dtype, w!.shape);
    const k = 'RmsNormGrad';
    const fast = [w, rstd, dy].every((t) => t!.dtype === x!.dtype) ? backend.fastFor(x!.dtype) : undefined;
    if (fast) {
      fast.rmsNormGrad({
        x: backend.pointer(x!),
        weight: backend.pointer(w!),
        rstd: backend.pointer(rstd!),
        dy: backend.pointer(dy!),
        dx: dx.ptr,
        dw: dw.ptr,
        rows,
        dim: n,
        weightOffset: attrs.weightOffset,
      });
      return [dx.out, dw.out];
    }
    rmsNormGradRows(
      dx.data,
      dw.data,
      backend.floats(x!, k),
      backend.floats(w!, k),
      backend.floats(rstd!, k),
      backend.floats(dy!, k),
      rows,
      n,
      attrs.weightOffset,
    );
    return [dx.out, dw.out];
  },
);
