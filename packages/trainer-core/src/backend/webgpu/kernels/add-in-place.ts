import { AddInPlace } from '../../../kernels/memory.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32 } from '../shader/spec.js';

registerWebGpuKernel(AddInPlace, ({ backend, inputs: [dst, src], attrs }) =>
  runMap(backend, {
    key: 'AddInPlace',
    inputs: [{ name: 'src', info: src! }],
    inouts: [{ name: 'dst', info: dst!, expr: 'dst_v + u.alpha * src_v' }],
    uniforms: [f32('alpha')],
    values: { alpha: attrs.alpha },
  }),
);
