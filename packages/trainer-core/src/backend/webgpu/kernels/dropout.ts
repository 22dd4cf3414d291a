/** Inverted dropout with the CPU's counter-based mask: element i is kept when hash(seed, i) >= p * 2^32. */
import { Dropout } from '../../../kernels/elementwise.js';
import { fmix32 } from '../../../random/hash.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32, u32 } from '../shader/spec.js';

const FMIX = /* wgsl */ `
fn fmix32(x: u32) -> u32 {
  var h = x;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}`;

registerWebGpuKernel(Dropout, ({ backend, inputs: [x], outputs: [y], attrs: { p, seed } }) => {
  // hash >= p * 2^32 for an integer hash is hash >= ceil(p * 2^32); a threshold past 2^32 - 1 keeps nothing.
  const threshold = Math.ceil(p * 4294967296);
  runMap(backend, {
    key: 'Dropout',
    inputs: [{ name: 'x', info: x! }],
    outputs: [{ name: 'y', info: y!, expr: 'select(0.0, x_v * u.scale, keep)' }],
    uniforms: [u32('seedMix'), u32('threshold'), u32('dropAll'), f32('scale')],
    values: {
      seedMix: fmix32(seed + 0x632be5ab),
      threshold: Math.min(threshold, 0xffffffff),
      dropAll: threshold > 0xffffffff ? 1 : 0,
      scale: 1 / (1 - p),
    },
    helpers: FMIX,
    body: 'let keep = u.dropAll == 0u && fmix32((i * 0x9e3779b1u) ^ u.seedMix) >= u.threshold;',
  });
});
