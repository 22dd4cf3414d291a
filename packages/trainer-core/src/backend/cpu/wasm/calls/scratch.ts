/** Per-thread scratch memory: sized for the largest block of every kernel, allocated once from the heap. */
import {
  ATTN_MAX_HEAD_DIM,
  BACKWARD_BUFFERS,
  backwardSizes,
  FORWARD_BUFFERS,
  forwardSizes,
  layoutOffsets,
} from '../codegen/attention/layout.js';
import { matmulScratchBytes } from '../codegen/matmul.js';

/** Upper bounds of the matmul cache blocks (MC rows of A, NC columns of B, KC shared depth). */
export const MATMUL_BLOCK_LIMITS = { mc: 96, nc: 1024, kc: 384 } as const;

export const SCRATCH_BYTES_PER_THREAD =
  Math.ceil(
    Math.max(
      matmulScratchBytes(MATMUL_BLOCK_LIMITS.mc, MATMUL_BLOCK_LIMITS.nc, MATMUL_BLOCK_LIMITS.kc),
      layoutOffsets(FORWARD_BUFFERS, forwardSizes(ATTN_MAX_HEAD_DIM)).bytes,
      layoutOffsets(BACKWARD_BUFFERS, backwardSizes(ATTN_MAX_HEAD_DIM)).bytes,
    ) / 64,
  ) * 64;
