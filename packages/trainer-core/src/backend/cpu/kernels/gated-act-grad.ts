import { GatedActGrad } from '../../../kernels/elementwise.js';
import { gatedActGrad } from '../reference/elementwise.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(GatedActGrad, {
  reference: ({ backend, inputs: [gate, up, dy], outputs: [dgate, dup], attrs }) => {
    const f = backend.floats.bind(backend);
    gatedActGrad(attrs.act, f(dgate!), f(dup!), f(gate!), f(up!), f(dy!), gate!.size);
  },
  fast: (fast, { backend, inputs: [gate, up, dy], outputs: [dgate, dup], attrs }) => {
    const p = backend.pointer.bind(backend);
    fast.gatedActGrad({
      act: attrs.act,
      gate: p(gate!),
      up: p(up!),
      dy: p(dy!),
      dgate: p(dgate!),
      dup: p(dup!),
      n: gate!.size,
    });
  },
});
