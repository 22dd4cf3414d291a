import { GatedAct, type GatedActivation } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { gatedAct } from '../reference/elementwise.js';

registerKernel<CpuBackend, { act: GatedActivation }>(GatedAct, 'cpu', ({ backend, inputs: [gate, up], attrs }) => {
  const { out, data, ptr } = backend.floatOutput(gate!.dtype, gate!.shape);
  const fast = up!.dtype === gate!.dtype ? backend.fastFor(gate!.dtype) : undefined;
  if (fast) {
    fast.gatedAct({ act: attrs.act, gate: backend.pointer(gate!), up: backend.pointer(up!), out: ptr, n: gate!.size });
  } else {
    gatedAct(attrs.act, data, backend.floats(gate!, 'GatedAct'), backend.floats(up!, 'GatedAct'), gate!.size);
  }
  return [out];
});
