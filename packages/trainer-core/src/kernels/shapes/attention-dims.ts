/** The sizes of a fused attention call, read off its q/k/v shapes (the layout every backend uses). */
import { formatShape } from '../../tensor/shape.js';
import type { TensorMeta } from '../define.js';

/**
 * q [batch, tq, heads, headDim], k and v [batch, tk, kvHeads, headDim]. Query head h reads
 * key/value head floor(h / (heads / kvHeads)). Causal masking is bottom-right aligned: query i
 * sits at position i + tk - tq and sees keys j <= that position; with a `window` > 0 it sees
 * only the `window` keys ending there (Gemma's sliding-window layers: j > position - window).
 */
export interface AttentionDims {
  batch: number;
  heads: number;
  kvHeads: number;
  tq: number;
  tk: number;
  headDim: number;
  scale: number;
  causal: boolean;
  /** Sliding window (keys per query, the query's own included); 0 = unlimited. */
  window: number;
}

export interface AttentionSettings {
  causal: boolean;
  scale: number;
  window: number;
}

/** Validates q/k/v (and the optional [batch, tk] key mask) and returns the call's sizes. */
export function attentionDims(
  q: TensorMeta,
  k: TensorMeta,
  v: TensorMeta,
  mask: TensorMeta | undefined,
  s: AttentionSettings,
): AttentionDims {
  const bad = () =>
    new RangeError(
      `Attention: expected q [B, Tq, H, D], k and v [B, Tk, Hkv, D], got ${formatShape(q.shape)}, ${formatShape(k.shape)}, ${formatShape(v.shape)}`,
    );
  if (q.shape.length !== 4 || k.shape.length !== 4 || v.shape.length !== 4) throw bad();
  const [batch, tq, heads, headDim] = q.shape as [number, number, number, number];
  const [kb, tk, kvHeads, kd] = k.shape as [number, number, number, number];
  if (kb !== batch || kd !== headDim || v.shape.some((d, i) => d !== k.shape[i])) throw bad();
  if (kvHeads === 0 || heads % kvHeads !== 0) {
    throw new RangeError(`Attention: ${heads} query heads are not a multiple of ${kvHeads} key/value heads`);
  }
  if (mask && (mask.shape.length !== 2 || mask.shape[0] !== batch || mask.shape[1] !== tk)) {
    throw new RangeError(`Attention: key mask must be [${batch}, ${tk}], got ${formatShape(mask.shape)}`);
  }
  if (!Number.isInteger(s.window) || s.window < 0) {
    throw new RangeError(`Attention: window must be a non-negative integer, got ${s.window}`);
  }
  if (s.window > 0 && !s.causal) throw new RangeError('Attention: a sliding window needs causal attention');
  if (!Number.isFinite(s.scale)) throw new RangeError(`Attention: scale must be finite, got ${s.scale}`);
  return { batch, heads, kvHeads, tq, tk, headDim, scale: s.scale, causal: s.causal, window: s.window };
}

/** Whether the window cuts off any key this call can see (else plain causal attention applies). */
export function windowBites(d: AttentionDims): boolean {
  return d.window > 0 && d.window < d.tk;
}

/** Keys query row i sees: [keyStart, keyEnd). */
export function keyRange(d: AttentionDims, i: number): [number, number] {
  if (!d.causal) return [0, d.tk];
  const position = i + d.tk - d.tq;
  const end = Math.max(0, Math.min(d.tk, position + 1));
  const start = d.window > 0 ? Math.max(0, position - d.window + 1) : 0;
  return [Math.min(start, end), end];
}
