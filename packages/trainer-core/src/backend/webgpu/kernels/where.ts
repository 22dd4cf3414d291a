import { Where } from '../../../kernels/elementwise.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';

registerWebGpuKernel(Where, ({ backend, inputs: [cond, a, b], outputs: [y] }) =>
  runMap(backend, {
    key: 'Where',
    inputs: [
      { name: 'cond', info: cond!, read: 'nz' },
      { name: 'a', info: a! },
      { name: 'b', info: b! },
    ],
    outputs: [{ name: 'y', info: y!, expr: 'select(b_v, a_v, cond_v)' }],
  }),
);
