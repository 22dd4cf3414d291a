import { Gather } from '../../../kernels/indexing.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { gatherAxis } from '../reference/gather.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Gather, {
  reference: ({ backend, inputs: [x, indices], outputs: [y], attrs }) => {
    const { outer, n, inner } = aroundAxis(x!.shape, attrs.axis);
    gatherAxis(backend.view(y!), backend.view(x!), backend.ints(indices!), outer, n, inner);
  },
});
