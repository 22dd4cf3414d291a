/** Sum over sorted axes: each run of adjacent axes is one [outer, n, inner] reduction, the last run first. */
import { Sum } from '../../../kernels/reduce.js';
import { axisRuns } from '../../../kernels/shapes/axis-runs.js';
import { sumAxis } from '../programs/reduce.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { type BufferView, tensorView } from '../webgpu-backend.js';

registerWebGpuKernel(Sum, ({ backend, inputs: [x], outputs: [y], attrs: { axes } }) => {
  const groups = axisRuns(axes);
  if (groups.length === 0) {
    backend.copyBytes(tensorView(x!).buffer, x!.offset * 4, tensorView(y!).buffer, y!.offset * 4, x!.size * 4);
    return;
  }
  let cur: BufferView = tensorView(x!);
  let shape = [...x!.shape];
  for (let g = groups.length - 1; g >= 0; g--) {
    const [start, end] = groups[g]!;
    const size = (from: number, to: number) => shape.slice(from, to).reduce((p, d) => p * d, 1);
    const outer = size(0, start);
    const n = size(start, end);
    const inner = size(end, shape.length);
    const dst: BufferView =
      g === 0 ? tensorView(y!) : { buffer: backend.scratch(outer * inner * 4), offset: 0, span: outer * inner };
    sumAxis(backend, cur, dst, outer, n, inner);
    if (cur.buffer !== x!.handle) backend.free(cur.buffer);
    cur = dst;
    shape = [...shape.slice(0, start), ...shape.slice(end)];
  }
});
