/**
 * Scatter-add backward of Gather without float atomics (WGSL has none): (1) a stable counting
 * sort of the indices, each thread ranking one index against all others through shared-memory
 * tiles, gives the picks sorted by index then position; (2) one thread per element of dx finds
 * its index's run by binary search and sums those rows of dy in pick order, as the CPU adds them.
 * Indices outside [0, n) sort to the ends and are never looked up, so they add nothing.
 */
import { GatherGrad } from '../../../kernels/indexing.js';
import { aroundAxis } from '../../../kernels/shapes/axis-split.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { entry, linearGrid, linearThread } from '../shader/grid.js';
import { f32In, f32Out, i32In, i32Out, u32 } from '../shader/spec.js';
import { type BufferView, tensorView } from '../webgpu-backend.js';

const WG = 256;

const RANK = /* wgsl */ `
var<workgroup> tile: array<i32, ${WG}>;
${entry(WG)} {
  let m = ${linearThread(WG)};
  let mine = select(0, idx[u.idx_o + min(m, u.picks - 1u)], u.picks > 0u);
  var rank = 0u;
  for (var base = 0u; base < u.picks; base += ${WG}u) {
    let k = base + lix;
    tile[lix] = select(0, idx[u.idx_o + min(k, u.picks - 1u)], k < u.picks);
    workgroupBarrier();
    let count = min(${WG}u, u.picks - base);
    for (var t = 0u; t < count; t++) {
      let other = tile[t];
      if (other < mine || (other == mine && base + t < m)) { rank++; }
    }
    workgroupBarrier();
  }
  if (m < u.picks) {
    sorted[u.sorted_o + rank] = mine;
    perm[u.perm_o + rank] = i32(m);
  }
}`;

const SUM = /* wgsl */ `
fn lower_bound(j: i32) -> u32 {
  var lo = 0u;
  var hi = u.picks;
  while (lo < hi) {
    let mid = (lo + hi) / 2u;
    if (sorted[u.sorted_o + mid] < j) { lo = mid + 1u; } else { hi = mid; }
  }
  return lo;
}
${entry(WG)} {
  let t = ${linearThread(WG)};
  if (t >= u.total) { return; }
  let i = t % u.inner;
  let j = (t / u.inner) % u.n;
  let o = t / (u.inner * u.n);
  var s = 0.0;
  for (var r = lower_bound(i32(j)); r < u.picks && sorted[u.sorted_o + r] == i32(j); r++) {
    s += dy[u.dy_o + (o * u.picks + u32(perm[u.perm_o + r])) * u.inner + i];
  }
  dx[u.dx_o + t] = s;
}`;

registerWebGpuKernel(GatherGrad, ({ backend, inputs: [dy, indices], outputs: [dx], attrs }) => {
  const { outer, n, inner } = aroundAxis(attrs.inShape, attrs.axis);
  const picks = indices!.size;
  const total = outer * n * inner;
  if (total === 0) return;
  const scratch = (): BufferView => ({ buffer: backend.scratch(Math.max(picks, 1) * 4), offset: 0, span: picks });
  const sorted = scratch();
  const perm = scratch();
  const rank = backend.program('GatherGrad.sort', () => ({
    key: 'GatherGrad.sort',
    bindings: [i32In('idx'), i32Out('sorted'), i32Out('perm')],
    uniforms: [u32('picks')],
    code: RANK,
  }));
  backend.dispatch(rank, [tensorView(indices!), sorted, perm], { picks }, linearGrid(picks, WG));
  const sum = backend.program('GatherGrad.sum', () => ({
    key: 'GatherGrad.sum',
    bindings: [f32In('dy'), i32In('sorted'), i32In('perm'), f32Out('dx')],
    uniforms: [u32('picks'), u32('total'), u32('n'), u32('inner')],
    code: SUM,
  }));
  backend.dispatch(
    sum,
    [tensorView(dy!), sorted, perm, tensorView(dx!)],
    { picks, total, n, inner },
    linearGrid(total, WG),
  );
  backend.free(sorted.buffer);
  backend.free(perm.buffer);
});
