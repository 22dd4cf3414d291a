/** dx = zeros of inShape with dy (read through its strides) at `starts`: one thread per element of dx. */
import { SliceGrad } from '../../../kernels/memory.js';
import { formatShape } from '../../../tensor/shape.js';
import { MAX_RANK } from '../programs/strided.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { entry, linearGrid, linearThread } from '../shader/grid.js';
import { f32In, f32Out, u32, vec4u } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';

const WG = 256;

// u.geo: dx's shape, the starts, dy's shape, dy's strides (MAX_RANK entries each).
const CODE = /* wgsl */ `
fn geo_at(k: u32) -> u32 { return u.geo[k / 4u][k % 4u]; }
${entry(WG)} {
  let t = ${linearThread(WG)};
  if (t >= u.total) { return; }
  var rem = t;
  var off = 0u;
  var inside = true;
  for (var d = u.rank; d > 0u; d--) {
    let size = geo_at(d - 1u);
    let c = rem % size;
    rem = rem / size;
    let start = geo_at(${MAX_RANK}u + d - 1u);
    if (c < start || c - start >= geo_at(${2 * MAX_RANK}u + d - 1u)) { inside = false; }
    off += (c - start) * geo_at(${3 * MAX_RANK}u + d - 1u);
  }
  dx[u.dx_o + t] = select(0.0, dy[u.dy_o + off], inside);
}`;

registerWebGpuKernel(SliceGrad, ({ backend, inputs: [dy], outputs: [dx], attrs }) => {
  const rank = attrs.inShape.length;
  if (rank > MAX_RANK)
    throw new RangeError(`SliceGrad: webgpu handles rank <= ${MAX_RANK}, got ${formatShape(attrs.inShape)}`);
  const geo = new Array<number>(4 * MAX_RANK).fill(0);
  for (let d = 0; d < rank; d++) {
    geo[d] = attrs.inShape[d]!;
    geo[MAX_RANK + d] = attrs.starts[d] ?? 0;
    geo[2 * MAX_RANK + d] = dy!.shape[d]!;
    geo[3 * MAX_RANK + d] = dy!.strides[d]!;
  }
  const program = backend.program('SliceGrad', () => ({
    key: 'SliceGrad',
    bindings: [f32In('dy'), f32Out('dx')],
    uniforms: [vec4u('geo', MAX_RANK), u32('rank'), u32('total')],
    code: CODE,
  }));
  backend.dispatch(
    program,
    [tensorView(dy!), tensorView(dx!)],
    { geo, rank, total: dx!.size },
    linearGrid(dx!.size, WG),
  );
});
