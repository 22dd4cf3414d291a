import { variantKey } from '../../../kernels/define.js';
import { GatedAct } from '../../../kernels/elementwise.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';

registerWebGpuKernel(GatedAct, ({ backend, inputs: [gate, up], outputs: [out], attrs }) =>
  runMap(backend, {
    key: variantKey(GatedAct, attrs),
    inputs: [
      { name: 'gate', info: gate! },
      { name: 'up', info: up! },
    ],
    outputs: [
      {
        name: 'out',
        info: out!,
        expr: attrs.act === 'silu' ? 'gate_v * sigmoid_f(gate_v) * up_v' : 'gelu_f(gate_v) * up_v',
      },
    ],
  }),
);
