/** x *= scale[0], the scale read on the device (the clipping coefficient never reaches the host). */
import { ScaleInPlace } from '../../../kernels/memory.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';

registerWebGpuKernel(ScaleInPlace, ({ backend, inputs: [x, scale] }) =>
  runMap(backend, {
    key: 'ScaleInPlace',
    // A one-element tensor broadcasts to every position (stride 0).
    inputs: [{ name: 'scale', info: { ...scale!, shape: [], strides: [] } }],
    inouts: [{ name: 'x', info: x!, expr: 'x_v * scale_v' }],
  }),
);
