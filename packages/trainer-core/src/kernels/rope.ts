/** Rotary position embedding (Hugging Face rotate_half convention). */
import { defineKernel } from './define.js';
import { floatDType, requireDType, requireFinite, requireRank, requireSize } from './infer.js';
import { checkRopeScaling, type RopeScaling } from './shapes/rope-frequencies.js';

/**
 * [x [B, T, H, D], positions? i32 [B, T]] -> x * cos + rotate_half(x) * sin, angle =
 * position * theta^(-2i/D), position = positionOffset + t unless positions are given.
 * `inverse` rotates by the negative angle (the backward). `scaling` rescales the frequencies
 * (kernels/shapes/rope-frequencies.ts: every backend builds its tables with `ropeInvFreq`). All
 * settings are runtime values.
 */
export interface RopeAttrs {
  theta: number;
  positionOffset: number;
  inverse: boolean;
  scaling: RopeScaling;
}

export const Rope = defineKernel<RopeAttrs>('Rope', {
  inputs: ['x', 'positions?'],
  outputs: ['y'],
  differentiable: true,
  infer: ([x, positions], { theta, positionOffset, scaling }) => {
    const K = 'Rope';
    const dtype = floatDType(K, [x], ['x']);
    requireRank(K, x!, 'x', 4, '[batch, seq, heads, headDim]');
    const [batch, seq, , dim] = x!.shape as [number, number, number, number];
    if (dim % 2 !== 0) throw new RangeError(`${K}: head dim ${dim} must be even`);
    requireFinite(K, 'theta', theta);
    checkRopeScaling(K, scaling);
    if (!Number.isInteger(positionOffset)) throw new RangeError(`${K}: positionOffset must be an integer`);
    if (positions) {
      requireDType(K, positions, 'positions', 'i32');
      requireSize(K, positions, 'positions', batch * seq);
    }
    return [{ shape: x!.shape, dtype }];
  },
});
