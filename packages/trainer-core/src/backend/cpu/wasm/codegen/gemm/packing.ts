/**
 * Packing of matmul operands into the panel layouts the micro-kernel reads: A into MR-row
 * panels and B into NR-column panels, both k-major and zero-padded, from either storage order.
 */
import { f32, f32x4, f64, i32, type Local, select, type Val, v128 } from '../../emit/expr.js';
import type { FunctionBuilder } from '../../emit/function-builder.js';
import { MR, NR } from './micro-kernel.js';

const NV = NR / 4;

/**
 * packA(src, lda, trans, mc, kc, dst): an mc x kc slab of op(A) starting at src into MR-row
 * panels, each stored k-major ([kc][MR]) and zero-padded to MR rows.
 */
export function emitPackA(f: FunctionBuilder): void {
  if (MR !== 4) throw new Error('mm_pack_a transposes 4x4 blocks of A: MR must be 4');
  const { src, lda, trans, mc, kc, dst } = f.named(['src', 'lda', 'trans', 'mc', 'kc', 'dst'] as const);
  const [ir, rows, kk, r, p, q, ldaB, col] = f.locals('i32', 8);
  const rowsV = f.locals('v128', 4);
  const t = f.locals('v128', 4);
  f.set(ldaB, i32.shl(lda, 2));
  f.forRange(ir, 0, mc, MR, () => {
    f.set(rows, i32.minS(MR, i32.sub(mc, ir)));
    f.if(
      trans,
      // Stored [k][m]: the MR values of one k are adjacent.
      () => {
        f.set(p, i32.add(src, i32.shl(ir, 2)));
        f.if(
          i32.eq(rows, MR),
          () => {
            f.forRange(kk, 0, kc, 1, () => {
              copyFloats(f, dst, p, MR);
              f.inc(p, ldaB);
              f.inc(dst, MR * 4);
            });
          },
          () => {
            f.forRange(kk, 0, kc, 1, () => {
              f.forRange(r, 0, MR, 1, () => {
                const clamped = i32.add(p, i32.shl(i32.minS(r, i32.sub(rows, 1)), 2));
                f.do(f32.store(i32.add(dst, i32.shl(r, 2)), orZero(i32.ltS(r, rows), f32.load(clamped))));
              });
              f.inc(p, ldaB);
              f.inc(dst, MR * 4);
            });
          },
        );
      },
      // Stored [m][k]: a full panel transposes 4x4 blocks (4 rows x 4 k); a partial one, or
      // the last kc % 4 columns, scatter element by element.
      () => {
        f.set(kk, 0);
        f.if(i32.eq(rows, MR), () => {
          f.set(p, i32.add(src, i32.mul(ir, ldaB)));
          f.set(q, dst);
          f.while(
            () => i32.leS(i32.add(kk, 4), kc),
            () => {
              for (let c = 0; c < MR; c++) f.set(rowsV[c]!, v128.load(i32.add(p, i32.mul(ldaB, c))));
              transpose4(f, rowsV, t);
              for (let c = 0; c < 4; c++) f.do(v128.store(q, rowsV[c]!, c * MR * 4));
              f.inc(p, 16);
              f.inc(q, 4 * MR * 4);
              f.inc(kk, 4);
            },
          );
        });
        f.forRange(r, 0, MR, 1, () => {
          f.set(q, i32.add(i32.add(dst, i32.shl(r, 2)), i32.mul(kk, MR * 4)));
          f.if(
            i32.ltS(r, rows),
            () => {
              f.set(p, i32.add(i32.add(src, i32.mul(i32.add(ir, r), ldaB)), i32.shl(kk, 2)));
              f.forRange(col, kk, kc, 1, () => {
                f.do(f32.store(q, f32.load(p)));
                f.inc(p, 4);
                f.inc(q, MR * 4);
              });
            },
            () => {
              f.forRange(col, kk, kc, 1, () => {
                f.do(f32.store(q, 0));
                f.inc(q, MR * 4);
              });
            },
          );
        });
        f.inc(dst, i32.mul(kc, MR * 4));
      },
    );
  });
}

/**
 * packB(src, ldb, trans, kc, nc, dst): a kc x nc slab of op(B) starting at src into NR-column
 * panels, each stored k-major ([kc][NR]) and zero-padded to NR columns.
 */
export function emitPackB(f: FunctionBuilder): void {
  const { src, ldb, trans, kc, nc, dst } = f.named(['src', 'ldb', 'trans', 'kc', 'nc', 'dst'] as const);
  const [jr, cols, kk, col, p, q, ldbB] = f.locals('i32', 7);
  const rowsV = f.locals('v128', 4);
  const t = f.locals('v128', 4);
  f.set(ldbB, i32.shl(ldb, 2));
  f.forRange(jr, 0, nc, NR, () => {
    f.set(cols, i32.minS(NR, i32.sub(nc, jr)));
    f.if(
      trans,
      // Stored [n][k]: each panel column is a contiguous run of k; transpose 4x4 blocks.
      () => {
        f.if(
          i32.eq(cols, NR),
          () => {
            f.set(kk, 0);
            f.while(
              () => i32.leS(i32.add(kk, 4), kc),
              () => {
                for (let quad = 0; quad < NV; quad++) {
                  f.set(p, i32.add(src, i32.add(i32.mul(i32.add(jr, quad * 4), ldbB), i32.shl(kk, 2))));
                  for (let c = 0; c < 4; c++) {
                    f.set(rowsV[c]!, v128.load(p));
                    if (c < 3) f.inc(p, ldbB);
                  }
                  transpose4(f, rowsV, t);
                  for (let c = 0; c < 4; c++) f.do(v128.store(dst, rowsV[c]!, (c * NR + quad * 4) * 4));
                }
                f.inc(dst, 4 * NR * 4);
                f.inc(kk, 4);
              },
            );
            f.while(
              () => i32.ltS(kk, kc),
              () => {
                for (let c = 0; c < NR; c++) {
                  const from = i32.add(src, i32.add(i32.mul(i32.add(jr, c), ldbB), i32.shl(kk, 2)));
                  f.do(f32.store(dst, f32.load(from), c * 4));
                }
                f.inc(dst, NR * 4);
                f.inc(kk, 1);
              },
            );
          },
          () => {
            f.forRange(col, 0, NR, 1, () => {
              f.set(q, i32.add(dst, i32.shl(col, 2)));
              f.set(p, i32.add(src, i32.mul(i32.add(jr, i32.minS(col, i32.sub(cols, 1))), ldbB)));
              f.forRange(kk, 0, kc, 1, () => {
                f.do(f32.store(q, orZero(i32.ltS(col, cols), f32.load(p))));
                f.inc(p, 4);
                f.inc(q, NR * 4);
              });
            });
            f.inc(dst, i32.mul(kc, NR * 4));
          },
        );
      },
      // Stored [k][n]: each k row of the panel is NR adjacent values.
      () => {
        f.set(p, i32.add(src, i32.shl(jr, 2)));
        f.if(
          i32.eq(cols, NR),
          () => {
            f.forRange(kk, 0, kc, 1, () => {
              copyFloats(f, dst, p, NR);
              f.inc(p, ldbB);
              f.inc(dst, NR * 4);
            });
          },
          () => {
            f.forRange(kk, 0, kc, 1, () => {
              f.forRange(col, 0, NR, 1, () => {
                const clamped = i32.add(p, i32.shl(i32.minS(col, i32.sub(cols, 1)), 2));
                f.do(f32.store(i32.add(dst, i32.shl(col, 2)), orZero(i32.ltS(col, cols), f32.load(clamped))));
              });
              f.inc(p, ldbB);
              f.inc(dst, NR * 4);
            });
          },
        );
      },
    );
  });
}

/** Unrolled copy of `count` f32 from src to dst (16-, 8- and 4-byte moves). */
function copyFloats(f: FunctionBuilder, dst: Local, src: Local, count: number): void {
  let at = 0;
  for (; at + 4 <= count; at += 4) f.do(v128.store(dst, v128.load(src, at * 4), at * 4));
  for (; at + 2 <= count; at += 2) f.do(f64.store(dst, f64.load(src, at * 4), at * 4));
  for (; at < count; at++) f.do(f32.store(dst, f32.load(src, at * 4), at * 4));
}

/** In-place 4x4 transpose of four f32x4 locals (unpcklps/unpckhps/movlhps/movhlps patterns). */
export function transpose4(f: FunctionBuilder, rows: readonly Local[], t: readonly Local[]): void {
  const [r0, r1, r2, r3] = rows as [Local, Local, Local, Local];
  const [t0, t1, t2, t3] = t as [Local, Local, Local, Local];
  f.set(t0, f32x4.laneShuffle(r0, r1, [0, 4, 1, 5]));
  f.set(t1, f32x4.laneShuffle(r0, r1, [2, 6, 3, 7]));
  f.set(t2, f32x4.laneShuffle(r2, r3, [0, 4, 1, 5]));
  f.set(t3, f32x4.laneShuffle(r2, r3, [2, 6, 3, 7]));
  f.set(r0, f32x4.laneShuffle(t0, t2, [0, 1, 4, 5]));
  f.set(r1, f32x4.laneShuffle(t0, t2, [2, 3, 6, 7]));
  f.set(r2, f32x4.laneShuffle(t1, t3, [0, 1, 4, 5]));
  f.set(r3, f32x4.laneShuffle(t1, t3, [2, 3, 6, 7]));
}

/** The value when cond holds, else 0 (both are evaluated, so callers clamp load addresses). */
function orZero(cond: Val, value: Val) {
  return select('f32', value, 0, cond);
}
