/**
 * Batched matmul: shape planning (shared with the fast kernels, whose MatmulArgs it produces)
 * and the reference loops.
 */
import type { FloatArray } from '../../../tensor/dtype.js';
import { broadcastShapes, collapseDims, formatShape, shapeSize } from '../../../tensor/shape.js';

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

export interface MatmulRefArgs {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  alpha: number;
  accumulate: boolean;
}

/** One planned call on plain arrays: C[b] = alpha * op(A[b]) @ op(B[b]) (+ C[b]). */
export function matmulReference(c: FloatArray, a: FloatArray, b: FloatArray, p: MatmulRefArgs, call: MatmulCall): void {
  const { m, n, k, transA, transB, alpha, accumulate } = p;
  // Element strides of op(A)[i, p] and op(B)[p, j].
  const ai = transA ? 1 : k;
  const ap = transA ? m : 1;
  const bp = transB ? 1 : n;
  const bj = transB ? k : 1;
  const row = new Float64Array(n);
  for (let t = 0; t < call.batch; t++) {
    const ao = call.aOffset + t * call.strideA;
    const bo = call.bOffset + t * call.strideB;
    const co = call.cOffset + t * call.strideC;
    for (let i = 0; i < m; i++) {
      if (bj === 1) {
        // i-p-j: stream rows of B.
        row.fill(0);
        for (let q = 0; q < k; q++) {
          const av = a[ao + i * ai + q * ap]!;
          if (av === 0) continue;
          const br = bo + q * bp;
          for (let j = 0; j < n; j++) row[j]! += av * b[br + j]!;
        }
      } else {
        // Dot products against rows of B^T.
        for (let j = 0; j < n; j++) {
          let s = 0;
          const bc = bo + j * bj;
          const ar = ao + i * ai;
          for (let q = 0; q < k; q++) s += a[ar + q * ap]! * b[bc + q * bp]!;
          row[j] = s;
        }
      }
      const cr = co + i * n;
      if (accumulate) for (let j = 0; j < n; j++) c[cr + j]! += alpha * row[j]!;
      else for (let j = 0; j < n; j++) c[cr + j] = alpha * row[j]!;
    }
  }
}
