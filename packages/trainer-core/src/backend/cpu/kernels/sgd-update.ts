import { SgdUpdate } from '../../../kernels/optim.js';
import { sgd } from '../reference/optim.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(SgdUpdate, {
  reference: ({ backend, inputs: [p, g, buf], attrs }) =>
    sgd(backend.floats(p!), backend.floats(g!), buf ? backend.floats(buf) : undefined, p!.size, attrs),
});
