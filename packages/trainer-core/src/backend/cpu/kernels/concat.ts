import { Concat } from '../../../kernels/memory.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { concatPart } from '../reference/gather.js';
import { registerCpuKernel } from '../register-kernel.js';

registerCpuKernel(Concat, {
  reference: ({ backend, inputs, outputs: [y], attrs: { axis } }) => {
    const data = backend.view(y!);
    const total = y!.shape[axis]!;
    let start = 0;
    for (const x of inputs) {
      const { outer, n, inner } = aroundAxis(x.shape, axis);
      concatPart(data, backend.view(x), outer, n, inner, total, start);
      start += n;
    }
  },
});
