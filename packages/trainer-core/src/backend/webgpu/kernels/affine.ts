import { Affine } from '../../../kernels/elementwise.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32 } from '../shader/spec.js';

registerWebGpuKernel(Affine, ({ backend, inputs: [x], outputs: [y], attrs }) =>
  runMap(backend, {
    key: 'Affine',
    inputs: [{ name: 'x', info: x! }],
    outputs: [{ name: 'y', info: y!, expr: 'x_v * u.scale + u.bias' }],
    uniforms: [f32('scale'), f32('bias')],
    values: { scale: attrs.scale, bias: attrs.bias },
  }),
);
