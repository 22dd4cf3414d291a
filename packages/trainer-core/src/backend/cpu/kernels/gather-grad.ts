import { GatherGrad } from '../../../kernels/indexing.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { gatherAxisGrad } from '../reference/gather.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(GatherGrad, {
  reference: ({ backend, inputs: [dy, indices], outputs: [dx], attrs }) => {
    const { outer, n, inner } = aroundAxis(attrs.inShape, attrs.axis);
    gatherAxisGrad(backend.floats(dx!), backend.floats(dy!), backend.ints(indices!), outer, n, inner);
  },
});
