/** In-place optimizer updates, element by element, exactly as torch.optim's single-tensor paths. */

import type { AdamWAttrs, SgdAttrs } from '../../../kernels/optim.js';
import type { FloatArray } from '../../../tensor/dtype.js';

/**
 * torch.optim.AdamW: p *= 1 - lr * wd; m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2;
 * p -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 */
export function adamw(p: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, n: number, a: AdamWAttrs): void {
  const decay = 1 - a.lr * a.weightDecay;
  const bc1 = 1 - a.beta1 ** a.step;
  const bc2Sqrt = Math.sqrt(1 - a.beta2 ** a.step);
  const stepSize = a.lr / bc1;
  const b1 = a.beta1;
  const b2 = a.beta2;
  const eps = a.eps;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = b1 * m[i]! + (1 - b1) * gi;
    const vi = b2 * v[i]! + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] = p[i]! * decay - (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
  }
}

/**
 * torch.optim.SGD: g += wd p; with momentum: buf = first ? g : momentum buf + (1 - dampening) g,
 * g = nesterov ? g + momentum buf : buf; p -= lr g.
 */
export function sgd(p: FloatArray, g: FloatArray, buf: FloatArray | undefined, n: number, a: SgdAttrs): void {
  for (let i = 0; i < n; i++) {
    let gi = g[i]! + a.weightDecay * p[i]!;
    if (buf && a.momentum !== 0) {
      const bi = a.firstStep ? gi : a.momentum * buf[i]! + (1 - a.dampening) * gi;
      buf[i] = bi;
      gi = a.nesterov ? gi + a.momentum * bi : bi;
    }
    p[i] = p[i]! - a.lr * gi;
  }
}
