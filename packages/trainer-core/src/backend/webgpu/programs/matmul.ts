/**
 * Tiled, register-blocked matrix multiplication: C = alpha * op(A) @ op(B) per batch item.
 *
 * A workgroup computes a BM x BN tile of C; each thread a TM x TN block of it held in registers
 * (vec4 accumulators, the inner loops unrolled here in TypeScript). Per step of BK along K the
 * workgroup stages op(A) and op(B) tiles in shared memory, k-major, loading along each operand's
 * contiguous axis with vec4 reads when that axis, the offset and the batch stride are multiples
 * of 4. Transposes only change the staging loads. Skinny products (few output tiles, long K) are
 * split along K: each slice writes a partial product and sumAxis adds them in a fixed order.
 * Storage may be f16 (with shader-f16) with f32 accumulation.
 */
import type { MatmulCall } from '../../../kernels/shapes/matmul-plan.js';
import { type BindingDecl, f32, type ShaderSpec, type StorageElem, u32 } from '../shader/spec.js';
import type { BufferView, WebGpuBackend } from '../webgpu-backend.js';
import { sumAxis } from './reduce.js';

export interface MatmulTile {
  readonly bm: number;
  readonly bn: number;
  readonly bk: number;
  readonly tm: number;
  readonly tn: number;
}

export const SMALL_TILE: MatmulTile = { bm: 32, bn: 32, bk: 8, tm: 4, tn: 4 };
export const MEDIUM_TILE: MatmulTile = { bm: 64, bn: 64, bk: 16, tm: 4, tn: 4 };
export const LARGE_TILE: MatmulTile = { bm: 128, bn: 128, bk: 8, tm: 8, tn: 8 };

export interface MatmulVariant {
  readonly tile: MatmulTile;
  readonly transA: boolean;
  readonly transB: boolean;
  /** vec4 loads of A / B along their contiguous axis; vec4 stores of C. */
  readonly vecA: boolean;
  readonly vecB: boolean;
  readonly vecC: boolean;
  readonly storage: 'f32' | 'f16';
}

export function matmulKey(v: MatmulVariant): string {
  const t = v.tile;
  return (
    `Matmul{transA=${v.transA},transB=${v.transB}}|${t.bm}x${t.bn}x${t.bk}/${t.tm}x${t.tn}` +
    `|vec${+v.vecA}${+v.vecB}${+v.vecC}|${v.storage}`
  );
}

function binding(name: string, storage: 'f32' | 'f16', vec: boolean, access: 'read' | 'read_write'): BindingDecl {
  const elem = `${vec ? 'vec4<' : ''}${storage}${vec ? '>' : ''}` as StorageElem;
  return { name, elem, access, unitBytes: storage === 'f16' ? 2 : 4 };
}

/** WGSL statements staging one operand's BK-deep tile into shared memory `dst` ([k][rows], k-major). */
function stageTile(name: 'a' | 'b', rows: number, bk: number, threads: number, alongK: boolean, vec: boolean): string {
  // Element (r, k) of op(X) for tile row r: its global index, the limits, and the operand's layout.
  const R = name === 'a' ? 'u.M' : 'u.N';
  const origin = name === 'a' ? 'tile_m' : 'tile_n';
  const base = `${name}_base`;
  const dst = name === 'a' ? 'As' : 'Bs';
  const width = vec ? 4 : 1;
  // alongK: X stored [rows, K] (contiguous along k); else [K, rows] (contiguous along the rows).
  const span = alongK ? bk / width : rows / width;
  const count = (rows * bk) / width;
  const iters = Math.ceil(count / threads);
  const lines: string[] = [];
  for (let it = 0; it < iters; it++) {
    const idx = `(lix + ${it * threads}u)`;
    const guard = ((rows * bk) / width) % threads !== 0 && it === iters - 1 ? `if (${idx} < ${count}u) ` : '';
    const [r, k] = alongK
      ? [`${idx} / ${span}u`, `(${idx} % ${span}u) * ${width}u`]
      : [`(${idx} % ${span}u) * ${width}u`, `${idx} / ${span}u`];
    const gr = `${origin} + r`;
    const gk = 'k0 + k';
    const addr = alongK ? `${base} + (${gr}) * u.K + ${gk}` : `${base} + (${gk}) * ${R} + ${gr}`;
    const inRange = `${gr} < ${R} && ${gk} < u.K`;
    // Along the rows a vec4 lands whole in the k-major tile; along K its lanes go to four k rows.
    const stores = !vec
      ? `${dst}[(k * ${rows}u + r) / 4u][(k * ${rows}u + r) % 4u] = v;`
      : alongK
        ? [0, 1, 2, 3]
            .map((q) => `${dst}[((k + ${q}u) * ${rows}u + r) / 4u][((k + ${q}u) * ${rows}u + r) % 4u] = v[${q}];`)
            .join(' ')
        : `${dst}[(k * ${rows}u + r) / 4u] = v;`;
    const load = vec
      ? `var v = vec4<f32>(0.0); if (${inRange}) { v = vec4<f32>(${name}[(${addr}) / 4u]); }`
      : `var v = 0.0; if (${inRange}) { v = f32(${name}[${addr}]); }`;
    lines.push(`${guard}{ let r = ${r}; let k = ${k}; ${load} ${stores} }`);
  }
  return lines.join('\n    ');
}

/**
 * WGSL: the entry point of a tiled product whose workgroup (x, y) computes the BM x BN output tile
 * at (tile_m, tile_n), thread (tx, ty) of a grid `tx` threads wide.
 */
export function tileEntry(threads: number, tx: number, bm: number, bn: number): string {
  return `@compute @workgroup_size(${threads})
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lix: u32) {
  let tx = lix % ${tx}u;
  let ty = lix / ${tx}u;
  let tile_m = wid.y * ${bm}u;
  let tile_n = wid.x * ${bn}u;`;
}

export function matmulSpec(v: MatmulVariant, split: boolean): ShaderSpec {
  const { bm, bn, bk, tm, tn } = v.tile;
  const tx = bn / tn;
  const threads = (bm / tm) * tx;
  const tn4 = tn / 4;
  const key = `${matmulKey(v)}${split ? '|split' : ''}`;
  // The inner product, unrolled: acc[i][j4] += a[i] * b[j4].
  const inner: string[] = [];
  for (let i = 0; i < tm; i += 4) inner.push(`let a${i / 4} = As[(kk * ${bm}u + ty * ${tm}u) / 4u + ${i / 4}u];`);
  for (let j = 0; j < tn4; j++) inner.push(`let b${j} = Bs[(kk * ${bn}u + tx * ${tn}u) / 4u + ${j}u];`);
  for (let i = 0; i < tm; i++) {
    for (let j = 0; j < tn4; j++)
      inner.push(`acc${i}_${j} = fma(vec4<f32>(a${i >> 2}[${i & 3}]), b${j}, acc${i}_${j});`);
  }
  const accs: string[] = [];
  for (let i = 0; i < tm; i++) for (let j = 0; j < tn4; j++) accs.push(`var acc${i}_${j} = vec4<f32>(0.0);`);
  const writes: string[] = [];
  for (let i = 0; i < tm; i++) {
    const row = `(tile_m + ty * ${tm}u + ${i}u)`;
    for (let j = 0; j < tn4; j++) {
      const col = `(tile_n + tx * ${tn}u + ${j * 4}u)`;
      const value = `acc${i}_${j} * u.alpha`;
      if (v.vecC) {
        writes.push(`if (${row} < u.M && ${col} < u.N) { c[(c_base + ${row} * u.N + ${col}) / 4u] = ${value}; }`);
      } else {
        writes.push(
          `if (${row} < u.M) { let val = ${value}; for (var q = 0u; q < 4u; q++) { if (${col} + q < u.N) { c[c_base + ${row} * u.N + ${col} + q] = val[q]; } } }`,
        );
      }
    }
  }
  return {
    key,
    bindings: [
      binding('a', v.storage, v.vecA, 'read'),
      binding('b', v.storage, v.vecB, 'read'),
      binding('c', 'f32', v.vecC, 'read_write'),
    ],
    uniforms: [
      ...['M', 'N', 'K', 'strideA', 'strideB', 'strideC', 'splits', 'kChunk', 'partStride'].map(u32),
      f32('alpha'),
    ],
    enables: v.storage === 'f16' ? ['f16'] : [],
    code: /* wgsl */ `
var<workgroup> As: array<vec4<f32>, ${(bk * bm) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(bk * bn) / 4}>;
${tileEntry(threads, tx, bm, bn)}
  let item = wid.z / u.splits;
  let slice = wid.z % u.splits;
  let a_base = u.a_o + item * u.strideA;
  let b_base = u.b_o + item * u.strideB;
  let c_base = u.c_o + item * u.strideC${split ? ' + slice * u.partStride' : ''};
  let k_begin = slice * u.kChunk;
  let k_end = min(u.K, k_begin + u.kChunk);
  ${accs.join('\n  ')}
  for (var k0 = k_begin; k0 < k_end; k0 += ${bk}u) {
    ${stageTile('a', bm, bk, threads, !v.transA, v.vecA)}
    ${stageTile('b', bn, bk, threads, v.transB, v.vecB)}
    workgroupBarrier();
    // Staged values past K are zeros, so the full depth is summed (a constant trip count unrolls).
    for (var kk = 0u; kk < ${bk}u; kk++) {
      ${inner.join('\n      ')}
    }
    workgroupBarrier();
  }
  ${writes.join('\n  ')}
}`,
  };
}

export interface MatmulDispatch {
  readonly a: BufferView;
  readonly b: BufferView;
  readonly c: BufferView;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
  readonly alpha: number;
  readonly call: MatmulCall;
  readonly storage?: 'f32' | 'f16';
}

/** How many slices K is split into: enough output tiles to fill the GPU, each slice >= 8 K-steps. */
export function splitCount(tiles: number, k: number, tile: MatmulTile, occupancy: number): number {
  if (tiles >= occupancy) return 1;
  const bySize = Math.floor(k / (tile.bk * 8));
  return Math.max(1, Math.min(bySize, Math.ceil(occupancy / tiles), 64));
}

export function chooseTile(backend: WebGpuBackend, m: number, n: number): MatmulTile {
  if (backend.adapter.kind === 'software') return SMALL_TILE;
  if (m >= 128 && n >= 128) return LARGE_TILE;
  if (m >= 64 && n >= 64) return MEDIUM_TILE;
  return SMALL_TILE;
}

export function runMatmul(backend: WebGpuBackend, d: MatmulDispatch): void {
  const { m, n, k, call } = d;
  if (m * n * call.batch === 0) return;
  // The batch is the grid's z dimension: past the adapter's limit, run it in chunks.
  const chunk = Math.floor(backend.maxWorkgroupsPerDimension / 64);
  if (call.batch > chunk) {
    for (let start = 0; start < call.batch; start += chunk) {
      const part = {
        ...call,
        batch: Math.min(chunk, call.batch - start),
        aOffset: call.aOffset + start * call.strideA,
        bOffset: call.bOffset + start * call.strideB,
        cOffset: call.cOffset + start * call.strideC,
      };
      runMatmul(backend, { ...d, call: part });
    }
    return;
  }
  const storage = d.storage ?? 'f32';
  const tile = chooseTile(backend, m, n);
  const aligned = (offset: number, stride: number) => offset % 4 === 0 && (call.batch === 1 || stride % 4 === 0);
  const aOffset = d.a.offset + call.aOffset;
  const bOffset = d.b.offset + call.bOffset;
  const cOffset = d.c.offset + call.cOffset;
  const variant: MatmulVariant = {
    tile,
    transA: d.transA,
    transB: d.transB,
    vecA: (d.transA ? m : k) % 4 === 0 && aligned(aOffset, call.strideA),
    vecB: (d.transB ? k : n) % 4 === 0 && aligned(bOffset, call.strideB),
    vecC: n % 4 === 0 && aligned(cOffset, call.strideC),
    storage,
  };
  const tiles = Math.ceil(m / tile.bm) * Math.ceil(n / tile.bn) * call.batch;
  const splits = splitCount(tiles, k, tile, backend.tuning.occupancy);
  const kChunk = splits > 1 ? Math.ceil(k / splits / tile.bk) * tile.bk : Math.max(k, 1);
  const slices = splits > 1 ? Math.ceil(k / kChunk) : 1;
  const split = slices > 1;
  const key = `${matmulKey(variant)}${split ? '|split' : ''}`;
  const program = backend.program(key, () => matmulSpec(variant, split));
  const views = (c: BufferView, offset: number) => [
    { ...d.a, offset: aOffset },
    { ...d.b, offset: bOffset },
    { ...c, offset },
  ];
  const grid = (items: number): [number, number, number] => [Math.ceil(n / tile.bn), Math.ceil(m / tile.bm), items];
  const uniforms = {
    M: m,
    N: n,
    K: k,
    strideA: call.strideA,
    strideB: call.strideB,
    strideC: split ? m * n : call.strideC,
    splits: slices,
    kChunk,
    partStride: call.batch * m * n,
    alpha: d.alpha,
  };
  if (!split) {
    backend.dispatch(program, views(d.c, cOffset), uniforms, grid(call.batch));
    return;
  }
  const partials = slices * call.batch * m * n;
  const part: BufferView = { buffer: backend.scratch(partials * 4), offset: 0, span: partials };
  backend.dispatch(program, views(part, 0), uniforms, grid(call.batch * slices));
  // The partial products, [slices, batch * m * n], summed in slice order into C (contiguous per call).
  sumAxis(backend, part, { ...d.c, offset: cOffset, span: call.batch * m * n }, 1, slices, call.batch * m * n);
  backend.free(part.buffer);
}
