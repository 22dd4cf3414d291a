/**
 * The matmul plan every backend uses: output shape and the batched calls a kernel runs for
 * C = alpha * op(A) @ op(B) over contiguous operands with broadcast batch dimensions.
 */
import { broadcastShapes, collapseDims, formatShape, shapeSize } from '../../tensor/shape.js';

/** One call of the batched kernel: element offsets of batch item 0 and per-item strides. */
export interface MatmulCall {
  aOffset: number;
  bOffset: number;
  cOffset: number;
  batch: number;
  strideA: number;
  strideB: number;
  strideC: number;
}

export interface MatmulPlan {
  m: number;
  n: number;
  k: number;
  outShape: number[];
  calls: MatmulCall[];
}

/**
 * Plans C = op(A) @ op(B) for contiguous A [..., rA, cA] and B [..., rB, cB]. When B has no batch
 * dimensions and A is not transposed, A's batch dimensions fold into M (one large matmul, the
 * Linear-layer case). Otherwise batch dimensions broadcast, and collapse into as few calls as the
 * single-stride batch of the kernel allows.
 */
export function planMatmul(
  aShape: readonly number[],
  bShape: readonly number[],
  transA: boolean,
  transB: boolean,
): MatmulPlan {
  if (aShape.length < 2 || bShape.length < 2) {
    throw new RangeError(`Matmul: operands need rank >= 2, got ${formatShape(aShape)} and ${formatShape(bShape)}`);
  }
  const ra = aShape[aShape.length - 2]!;
  const ca = aShape[aShape.length - 1]!;
  const rb = bShape[bShape.length - 2]!;
  const cb = bShape[bShape.length - 1]!;
  const m = transA ? ca : ra;
  const k = transA ? ra : ca;
  const kb = transB ? cb : rb;
  const n = transB ? rb : cb;
  if (k !== kb) {
    throw new RangeError(
      `Matmul: inner dimensions differ: ${formatShape(aShape)}${transA ? '^T' : ''} @ ${formatShape(bShape)}${transB ? '^T' : ''}`,
    );
  }
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  if (shapeSize(batchB) === 1 && !transA) {
    const rows = shapeSize(batchA) * m;
    return {
      m: rows,
      n,
      k,
      outShape: [...broadcastShapes(batchA, batchB, 'Matmul batch dimensions'), m, n],
      calls: [{ aOffset: 0, bOffset: 0, cOffset: 0, batch: 1, strideA: 0, strideB: 0, strideC: 0 }],
    };
  }
  const batch = broadcastShapes(batchA, batchB, 'Matmul batch dimensions');
  const outShape = [...batch, m, n];
  const matStrides = (shape: readonly number[], matSize: number): number[] => {
    const strides = new Array<number>(batch.length).fill(0);
    let s = matSize;
    for (let i = shape.length - 1; i >= 0; i--) {
      const o = batch.length - shape.length + i;
      strides[o] = shape[i] === 1 ? 0 : s;
      s *= shape[i]!;
    }
    return strides;
  };
  const sA = matStrides(batchA, m * k);
  const sB = matStrides(batchB, k * n);
  const sC = matStrides(batch, m * n);
  const c = collapseDims(batch, [sA, sB, sC]);
  const rank = c.shape.length;
  const inner = c.shape[rank - 1]!;
  const calls: MatmulCall[] = [];
  const outer = shapeSize(c.shape.slice(0, -1));
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < outer; o++) {
    let aOffset = 0;
    let bOffset = 0;
    let cOffset = 0;
    for (let d = 0; d < rank - 1; d++) {
      aOffset += idx[d]! * c.strides[0]![d]!;
      bOffset += idx[d]! * c.strides[1]![d]!;
      cOffset += idx[d]! * c.strides[2]![d]!;
    }
    calls.push({
      aOffset,
      bOffset,
      cOffset,
      batch: inner,
      strideA: c.strides[0]![rank - 1]!,
      strideB: c.strides[1]![rank - 1]!,
      strideC: c.strides[2]![rank - 1]!,
    });
    for (let d = rank - 2; d >= 0; d--) {
      idx[d]!++;
      if (idx[d]! < c.shape[d]!) break;
      idx[d] = 0;
    }
  }
  return { m, n, k, outShape, calls };
}
