import { RmsNorm } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { rmsNormRows } from '../reference/norm.js';
import { lastAxisRows } from './rows.js';

registerKernel<CpuBackend, { eps: number; weightOffset: number }>(
  RmsNorm,
  'cpu',
  ({ backend, inputs: [x, w], attrs }) => {
    const { rows, n } = lastAxisRows(x!.shape);
    if (w!.size !== n) throw new RangeError(`RmsNorm: weight has ${w!.size} elements, the normalised axis ${n}`);
    const y = backend.floatOutput(x!.dtype, x!.shape);
    const rstd = backend.floatOutput(x!.dtype, [rows]);
    const fast = w!.dtype === x!.dtype ? backend.fastFor(x!.dtype) : undefined;
    if (fast) {
      const { eps, weightOffset } = attrs;
      const [px, pw] = [backend.pointer(x!), backend.pointer(w!)];
      fast.rmsNorm({ x: px, weight: pw, out: y.ptr, rstd: rstd.ptr, rows, dim: n, eps, weightOffset });
      return [y.out, rstd.out];
    }
    rmsNormRows(
      y.data,
      rstd.data,
      backend.floats(x!, 'RmsNorm'),
      backend.floats(w!, 'RmsNorm'),
      rows,
      n,
      attrs.eps,
      attrs.weightOffset,
    );
    return [y.out, rstd.out];
  },
);
