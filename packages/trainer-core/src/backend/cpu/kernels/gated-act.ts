import { GatedAct } from '../../../kernels/elementwise.js';
import { gatedAct } from '../reference/elementwise.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(GatedAct, {
  reference: ({ backend, inputs: [gate, up], outputs: [out], attrs }) =>
    gatedAct(attrs.act, backend.floats(out!), backend.floats(gate!), backend.floats(up!), gate!.size),
  fast: (fast, { backend, inputs: [gate, up], outputs: [out], attrs }) =>
    fast.gatedAct({
      act: attrs.act,
      gate: backend.pointer(gate!),
      up: backend.pointer(up!),
      out: backend.pointer(out!),
      n: gate!.size,
    }),
});
