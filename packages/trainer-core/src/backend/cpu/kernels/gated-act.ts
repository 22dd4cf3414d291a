import { GatedAct, type GatedActivation } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { gatedAct } from '../reference/elementwise.js';

registerKernel<CpuBackend, { act: GatedActivation }>(GatedAct, 'cpu', ({ backend, inputs: [gate, up], attrs }) => {
  const { out, data } = backend.floatOutput(gate!.dtype, gate!.shape);
  gatedAct(attrs.act, data, backend.floats(gate!, 'GatedAct'), backend.floats(up!, 'GatedAct'), gate!.size);
  return [out];
});
