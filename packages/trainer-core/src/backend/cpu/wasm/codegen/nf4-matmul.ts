/**
 * The fused NF4 matmul: out[m, n] = x[m, k] @ op(W), with W stored as 4-bit codes in blocks (NF4,
 * bitsandbytes' layout) and dequantized block by block straight into the micro-kernel's packed
 * B panels. op(W) = W^T for a Linear's forward (W is [n, k]) or W for its input gradient (W is
 * [k, n]). The work units are NC-column blocks of the output: a unit decodes each KC x NC block of
 * op(W) once into its own scratch and runs every row block of x against it, so every weight
 * element is decoded exactly once per call and no thread ever holds more than one KC x NC block
 * in full precision.
 */
import { f32, i32, type Local, type Val } from '../emit/expr.js';
import { call, type FuncRef, type FunctionBuilder } from '../emit/function-builder.js';
import type { ModuleBuilder } from '../emit/module-builder.js';
import { type GemmFns, NR } from './gemm/blocks.js';
import { GEMM_UNIT_PARAMS } from './matmul.js';

/** Parameter order of the exported `nf4_matmul` (all i32 except offset). */
export const NF4_MATMUL_PARAMS = [
  'x',
  'w',
  'code',
  'absmax',
  'nestedAbsmax',
  'nestedCode',
  'out',
  'm',
  'n',
  'k',
  'wT',
  'blockShift',
  'nestedShift',
  'offset',
  ...GEMM_UNIT_PARAMS,
] as const;

/** Parameters of the internal decoder: the quantized weight, then the run to decode. */
const DECODE_PARAMS = [
  'w',
  'code',
  'absmax',
  'nestedAbsmax',
  'nestedCode',
  'blockShift',
  'nestedShift',
  'offset',
  'start',
  'count',
  'dst',
  'stride',
] as const;

export function emitNf4Matmul(mod: ModuleBuilder, gemm: GemmFns): void {
  const decode = mod.function(
    'nf4_decode',
    DECODE_PARAMS.map((p) => (p === 'offset' ? 'f32' : 'i32')),
    undefined,
    emitDecode,
    false,
  );
  mod.function(
    'nf4_matmul',
    NF4_MATMUL_PARAMS.map((p) => (p === 'offset' ? 'f32' : 'i32')),
    undefined,
    (f) => emitDriver(f, gemm, decode),
  );
}

/**
 * nf4_decode: `count` consecutive elements of the flattened weight from element `start`, each
 * code[nibble] * scale(block), stored `stride` bytes apart from dst. The block scale is the f32
 * absmax, or with double quantization nestedCode[absmax_u8] * nestedAbsmax + offset (nestedAbsmax
 * pointer 0 = plain); it is recomputed only when the run enters a new block.
 */
function emitDecode(f: FunctionBuilder): void {
  const p = f.named(DECODE_PARAMS);
  const [idx, end, block, b, byte] = f.locals('i32', 5);
  const scale = f.local('f32');
  f.set(end, i32.add(p.start, p.count));
  f.set(block, -1);
  f.forRange(idx, p.start, end, 1, () => {
    f.set(b, i32.shrU(idx, p.blockShift));
    f.if(i32.ne(b, block), () => {
      f.set(block, b);
      f.if(
        p.nestedAbsmax,
        () => {
          const q = i32.load8U(i32.add(p.absmax, b));
          const nested = f32.load(i32.add(p.nestedAbsmax, i32.shl(i32.shrU(b, p.nestedShift), 2)));
          f.set(scale, f32.add(f32.mul(f32.load(i32.add(p.nestedCode, i32.shl(q, 2))), nested), p.offset));
        },
        () => f.set(scale, f32.load(i32.add(p.absmax, i32.shl(b, 2)))),
      );
    });
    f.set(byte, i32.load8U(i32.add(p.w, i32.shrU(idx, 1))));
    // Element 2j is the high nibble of byte j: shift by 4 for even elements, 0 for odd ones.
    const nibble = i32.and(i32.shrU(byte, i32.shl(i32.xor(i32.and(idx, 1), 1), 2)), 15);
    f.do(f32.store(p.dst, f32.mul(f32.load(i32.add(p.code, i32.shl(nibble, 2))), scale)));
    f.inc(p.dst, p.stride);
  });
}

function emitDriver(f: FunctionBuilder, gemm: GemmFns, decode: FuncRef): void {
  const p = f.named(NF4_MATMUL_PARAMS);
  const [units, u, j0, ncur, p0, kcur, jr, cols, c, kk, panel, i0, mcur] = f.locals('i32', 13);
  const [pA, pB, tile] = f.locals('i32', 3);
  const ceilDiv = (x: Val, y: Val) => i32.divU(i32.sub(i32.add(x, y), 1), y);
  const decodeRun = (start: Val, count: Val, dst: Val, stride: Val) =>
    f.do(
      call(decode, [
        p.w,
        p.code,
        p.absmax,
        p.nestedAbsmax,
        p.nestedCode,
        p.blockShift,
        p.nestedShift,
        p.offset,
        start,
        count,
        dst,
        stride,
      ]),
    );
  const zero = (at: Local, floats: Val) => {
    f.forRange(kk, 0, floats, 1, () => f.do(f32.store(i32.add(at, i32.shl(kk, 2)), 0)));
  };

  f.set(units, ceilDiv(p.n, p.nc));
  f.set(pA, i32.add(p.scratch, i32.mul(p.tid, p.scratchStride)));
  f.set(pB, i32.add(pA, i32.shl(i32.mul(p.mc, p.kc), 2)));
  f.set(tile, i32.add(pB, i32.shl(i32.mul(p.kc, p.nc), 2)));
  f.block((done) => {
    f.loop((next) => {
      f.set(u, i32.atomicAdd(p.counter, 1));
      f.brIf(done, i32.geU(u, units));
      f.set(j0, i32.mul(u, p.nc));
      f.set(ncur, i32.minS(p.nc, i32.sub(p.n, j0)));
      f.forRange(p0, 0, p.k, p.kc, () => {
        f.set(kcur, i32.minS(p.kc, i32.sub(p.k, p0)));
        // Decode op(W)[p0 : p0 + kcur, j0 : j0 + ncur] into NR-column panels ([kcur][NR] each).
        f.forRange(jr, 0, ncur, NR, () => {
          f.set(cols, i32.minS(NR, i32.sub(ncur, jr)));
          f.set(panel, i32.add(pB, i32.shl(i32.mul(jr, kcur), 2)));
          f.if(i32.ltS(cols, NR), () => zero(panel, i32.mul(kcur, NR)));
          f.if(
            p.wT,
            // Column c of the panel is row j0 + jr + c of W, contiguous along k.
            () => {
              f.forRange(c, 0, cols, 1, () => {
                decodeRun(
                  i32.add(i32.mul(i32.add(i32.add(j0, jr), c), p.k), p0),
                  kcur,
                  i32.add(panel, i32.shl(c, 2)),
                  NR * 4,
                );
              });
            },
            // Row kk of the panel is cols adjacent elements of row p0 + kk of W.
            () => {
              f.forRange(c, 0, kcur, 1, () => {
                decodeRun(
                  i32.add(i32.mul(i32.add(p0, c), p.n), i32.add(j0, jr)),
                  cols,
                  i32.add(panel, i32.mul(c, NR * 4)),
                  4,
                );
              });
            },
          );
        });
        f.forRange(i0, 0, p.m, p.mc, () => {
          f.set(mcur, i32.minS(p.mc, i32.sub(p.m, i0)));
          f.do(call(gemm.packA, [i32.add(p.x, i32.shl(i32.add(i32.mul(i0, p.k), p0), 2)), p.k, 0, mcur, kcur, pA]));
          const cBase = i32.add(p.out, i32.shl(i32.add(i32.mul(i0, p.n), j0), 2));
          f.do(call(gemm.tiles, [pA, pB, mcur, ncur, kcur, cBase, i32.shl(p.n, 2), i32.ne(p0, 0), 1, tile]));
        });
      });
      f.br(next);
    });
  });
}
