/**
 * RoPE inverse frequencies, shared by every backend's Rope kernel: transformers' default
 * `1 / theta^(2i / D)` and the scaled variants real checkpoints use (Gemma 3's global layers:
 * `linear`; Llama 3.1+: `llama3`), with each step rounded to f32 in the order torch evaluates
 * transformers' modeling_rope_utils (`2 * pi / inv` is `inv.reciprocal() * 2pi` in torch, and
 * a Python float meets an f32 tensor as an f32). Neither type rescales cos/sin (attention factor 1).
 */

export type RopeScaling =
  | { readonly type: 'default' }
  /** inv_freq / factor (position interpolation). */
  | { readonly type: 'linear'; readonly factor: number }
  /** Llama 3.1: low frequencies / factor, high ones kept, a smooth blend between. */
  | {
      readonly type: 'llama3';
      readonly factor: number;
      readonly lowFreqFactor: number;
      readonly highFreqFactor: number;
      readonly originalMaxPositionEmbeddings: number;
    };

export const DEFAULT_ROPE_SCALING: RopeScaling = { type: 'default' };

/** A cache key for tables built from these settings. */
export function ropeScalingKey(s: RopeScaling): string {
  switch (s.type) {
    case 'default':
      return 'default';
    case 'linear':
      return `linear:${s.factor}`;
    case 'llama3':
      return `llama3:${s.factor}:${s.lowFreqFactor}:${s.highFreqFactor}:${s.originalMaxPositionEmbeddings}`;
  }
}

/** Checks the settings' numbers (the Rope kernel's infer calls it); the message names `owner`. */
export function checkRopeScaling(owner: string, s: RopeScaling): void {
  const positive = (name: string, v: number) => {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${owner}: rope scaling ${name} must be > 0, got ${v}`);
  };
  if (s.type === 'linear') positive('factor', s.factor);
  if (s.type === 'llama3') {
    positive('factor', s.factor);
    positive('low_freq_factor', s.lowFreqFactor);
    positive('high_freq_factor', s.highFreqFactor);
    positive('original_max_position_embeddings', s.originalMaxPositionEmbeddings);
    if (!(s.highFreqFactor > s.lowFreqFactor)) {
      throw new RangeError(
        `${owner}: rope scaling high_freq_factor (${s.highFreqFactor}) must exceed low_freq_factor (${s.lowFreqFactor})`,
      );
    }
  }
}

const f = Math.fround;

/** inv_freq[i] = 1 / theta^(2i / D) as torch computes it in f32, then scaled as `scaling` says. */
export function ropeInvFreq(theta: number, dim: number, scaling: RopeScaling = DEFAULT_ROPE_SCALING): Float64Array {
  const half = dim / 2;
  const inv = new Float64Array(half);
  for (let i = 0; i < half; i++) inv[i] = f(1 / f(theta ** f(f(2 * i) / dim)));
  if (scaling.type === 'linear') {
    const factor = f(scaling.factor);
    for (let i = 0; i < half; i++) inv[i] = f(inv[i]! / factor);
  } else if (scaling.type === 'llama3') {
    llama3Scale(inv, scaling);
  }
  return inv;
}

function llama3Scale(inv: Float64Array, s: Extract<RopeScaling, { type: 'llama3' }>): void {
  const factor = f(s.factor);
  const old = s.originalMaxPositionEmbeddings;
  const lowWavelen = f(old / s.lowFreqFactor);
  const highWavelen = f(old / s.highFreqFactor);
  const twoPi = f(2 * Math.PI);
  for (let i = 0; i < inv.length; i++) {
    const x = inv[i]!;
    const wavelen = f(f(1 / x) * twoPi);
    // torch.where(wavelen > low, inv / factor, inv), then the medium band is blended.
    const scaled = wavelen > lowWavelen ? f(x / factor) : x;
    const medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
    if (!medium) {
      inv[i] = scaled;
      continue;
    }
    const smooth = f(f(f(f(1 / wavelen) * f(old)) - f(s.lowFreqFactor)) / f(s.highFreqFactor - s.lowFreqFactor));
    inv[i] = f(f(f(f(1 - smooth) * scaled) / factor) + f(smooth * scaled));
  }
}
