/** dx = dy at each row's argmax, zeros elsewhere: one thread per element of dx, no scatter. */
import { MaxGrad } from '../../../kernels/reduce.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { entry, linearGrid, linearThread } from '../shader/grid.js';
import { f32In, f32Out, i32In, u32 } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

const WG = 256;

registerWebGpuKernel(MaxGrad, ({ backend, inputs: [dy, indices], outputs: [dx], attrs }) => {
  const { outer, n, inner } = aroundAxis(attrs.inShape, attrs.axis);
  const total = outer * n * inner;
  const program = backend.program('MaxGrad', () => ({
    key: 'MaxGrad',
    bindings: [f32In('dy'), i32In('idx'), f32Out('dx')],
    uniforms: [u32('total'), u32('n'), u32('inner')],
    code: /* wgsl */ `
${entry(WG)} {
  let t = ${linearThread(WG)};
  if (t >= u.total) { return; }
  let i = t % u.inner;
  let j = (t / u.inner) % u.n;
  let r = (t / (u.inner * u.n)) * u.inner + i;
  dx[u.dx_o + t] = select(0.0, dy[u.dy_o + r], idx[u.idx_o + r] == i32(j));
}`,
  }));
  backend.dispatch(program, [dy!, indices!, dx!].map(tensorView), { total, n, inner }, linearGrid(total, WG));
});
