/** Shape checks shared by the attention kernels. */

import { formatShape } from '../../../tensor/shape.js';
import type { TensorInfo } from '../../backend.js';
import type { AttentionDims } from '../reference/attention.js';

export function attentionDims(
  q: TensorInfo,
  k: TensorInfo,
  v: TensorInfo,
  mask: TensorInfo | undefined,
  causal: boolean,
  scale: number,
): AttentionDims {
  const bad = () =>
    new RangeError(
      `Attention: expected q [B, Tq, H, D], k and v [B, Tk, Hkv, D], got ${formatShape(q.shape)}, ${formatShape(k.shape)}, ${formatShape(v.shape)}`,
    );
  if (q.shape.length !== 4 || k.shape.length !== 4 || v.shape.length !== 4) throw bad();
  const [batch, tq, heads, headDim] = q.shape as [number, number, number, number];
  const [kb, tk, kvHeads, kd] = k.shape as [number, number, number, number];
  if (kb !== batch || kd !== headDim || v.shape.some((d, i) => d !== k.shape[i])) throw bad();
  if (heads % kvHeads !== 0) throw bad();
  if (mask && (mask.shape.length !== 2 || mask.shape[0] !== batch || mask.shape[1] !== tk)) {
    throw new RangeError(`Attention: key mask must be [${batch}, ${tk}], got ${formatShape(mask.shape)}`);
  }
  return { batch, heads, kvHeads, tq, tk, headDim, scale, causal };
}
