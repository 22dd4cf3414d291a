import { GatedActGrad, type GatedActivation } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { gatedActGrad } from '../reference/elementwise.js';

registerKernel<CpuBackend, { act: GatedActivation }>(
  GatedActGrad,
  'cpu',
  ({ backend, inputs: [gate, up, dy], attrs }) => {
    const dgate = backend.floatOutput(gate!.dtype, gate!.shape);
    const dup = backend.floatOutput(gate!.dtype, gate!.shape);
    const w = 'GatedActGrad';
    const fast = up!.dtype === gate!.dtype && dy!.dtype === gate!.dtype ? backend.fastFor(gate!.dtype) : undefined;
    if (fast) {
      fast.gatedActGrad({
        act: attrs.act,
        gate: backend.pointer(gate!),
        up: backend.pointer(up!),
        dy: backend.pointer(dy!),
        dgate: dgate.ptr,
        dup: dup.ptr,
        n: gate!.size,
      });
      return [dgate.out, dup.out];
    }
    gatedActGrad(
      attrs.act,
      dgate.data,
      dup.data,
      backend.floats(gate!, w),
      backend.floats(up!, w),
      backend.floats(dy!, w),
      gate!.size,
    );
    return [dgate.out, dup.out];
  },
);
