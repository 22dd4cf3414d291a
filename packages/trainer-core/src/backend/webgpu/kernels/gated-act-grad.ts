import { variantKey } from '../../../kernels/define.js';
import { GatedActGrad } from '../../../kernels/elementwise.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';

registerWebGpuKernel(GatedActGrad, ({ backend, inputs: [gate, up, dy], outputs: [dgate, dup], attrs }) => {
  const silu = attrs.act === 'silu';
  runMap(backend, {
    key: variantKey(GatedActGrad, attrs),
    inputs: [
      { name: 'gate', info: gate! },
      { name: 'up', info: up! },
      { name: 'dy', info: dy! },
    ],
    outputs: [
      {
        name: 'dgate',
        info: dgate!,
        expr: silu ? 'dy_v * up_v * (s + gs * (1.0 - s))' : 'dy_v * up_v * gelu_grad_f(gate_v)',
      },
      { name: 'dup', info: dup!, expr: silu ? 'dy_v * gs' : 'dy_v * gelu_f(gate_v)' },
    ],
    body: silu ? 'let s = sigmoid_f(gate_v);\n  let gs = gate_v * s;' : '',
  });
});
