/**
 * Block sizes and per-thread scratch layouts of the fused attention kernels. The kernels read
 * their buffer offsets from a small table the wrapper writes (so the layout is defined once,
 * here, as data) and the wrapper checks that the layout fits the thread's scratch.
 */
import { packedASize, packedBSize } from '../gemm/blocks.js';

/** Query rows and keys per block: S/P blocks of 64 x 64 f32 (16 KiB) stay in L1 with the panels in L2. */
export const ATTN_BQ = 64;
export const ATTN_BK = 64;
/** Largest head dimension the scratch is sized for. */
export const ATTN_MAX_HEAD_DIM = 512;

const round4 = (x: number) => Math.ceil(x / 4) * 4;

export const FORWARD_BUFFERS = [
  'qPack',
  'kPack',
  'vPack',
  'pPack',
  's',
  'o',
  'm',
  'l',
  'shift',
  'bias',
  'tile',
] as const;
export const BACKWARD_BUFFERS = [
  'ktPack',
  'vtPack',
  'kPack',
  'qA',
  'doA',
  'aPack',
  'bPack',
  'p',
  'ds',
  'bias',
  'tile',
] as const;

export type ForwardBuffer = (typeof FORWARD_BUFFERS)[number];
export type BackwardBuffer = (typeof BACKWARD_BUFFERS)[number];

/** Floats each forward buffer needs for head dimension d. */
export function forwardSizes(d: number): Record<ForwardBuffer, number> {
  return {
    qPack: packedASize(ATTN_BQ, d),
    kPack: packedBSize(d, ATTN_BK),
    vPack: packedBSize(ATTN_BK, d),
    // The fused exp writes whole 4-key groups, up to 3 keys past the block's last panel.
    pPack: packedASize(ATTN_BQ, ATTN_BK) + 3 * 4,
    s: ATTN_BQ * ATTN_BK,
    o: ATTN_BQ * round4(d),
    m: ATTN_BQ,
    l: ATTN_BQ,
    shift: ATTN_BQ,
    bias: ATTN_BK,
    tile: 32,
  };
}

export function backwardSizes(d: number): Record<BackwardBuffer, number> {
  const blk = Math.max(ATTN_BQ, ATTN_BK);
  return {
    ktPack: packedBSize(d, ATTN_BK),
    vtPack: packedBSize(d, ATTN_BK),
    kPack: packedBSize(ATTN_BK, d),
    qA: packedASize(ATTN_BQ, d),
    doA: packedASize(ATTN_BQ, d),
    aPack: packedASize(blk, blk),
    bPack: packedBSize(ATTN_BQ, d),
    p: ATTN_BQ * ATTN_BK,
    ds: ATTN_BQ * ATTN_BK,
    bias: ATTN_BK,
    tile: 32,
  };
}

/** Byte offsets of the buffers (64-byte aligned, in the given order) and the total bytes. */
export function layoutOffsets<N extends string>(
  order: readonly N[],
  sizes: Record<N, number>,
): { offsets: number[]; bytes: number } {
  let at = 0;
  const offsets = order.map((name) => {
    const here = at;
    at += Math.ceil((sizes[name] * 4) / 64) * 64;
    return here;
  });
  return { offsets, bytes: at };
}
