import { AdamWUpdate } from '../../../kernels/optim.js';
import { adamw } from '../reference/optim.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(AdamWUpdate, {
  reference: ({ backend, inputs: [p, g, m, v], attrs }) =>
    adamw(backend.floats(p!), backend.floats(g!), backend.floats(m!), backend.floats(v!), p!.size, attrs),
  fast: (fast, { backend, inputs: [p, g, m, v], attrs }) =>
    fast.adamw({
      param: backend.pointer(p!),
      grad: backend.pointer(g!),
      expAvg: backend.pointer(m!),
      expAvgSq: backend.pointer(v!),
      n: p!.size,
      ...attrs,
    }),
});
