import { describe, expect, it } from 'vitest';
import { ropeInvFreq } from './rope-frequencies.js';

/**
 * Expected values: transformers' `_compute_default_rope_parameters`, `_compute_linear_scaling_...`
 * and `_compute_llama3_parameters` formulas run in PyTorch 1.13 (f32), printed with `tolist()`.
 * The comparison is exact: every step is f32 in torch, and so it is here.
 */
describe('ropeInvFreq', () => {
  const llama32 = {
    type: 'llama3',
    factor: 32,
    lowFreqFactor: 1,
    highFreqFactor: 4,
    originalMaxPositionEmbeddings: 8192,
  } as const;

  it('matches torch for Llama 3.2 (theta 5e5, head dim 64): kept, blended and divided bands', () => {
    const torch = [
      1.0, 0.663601279258728, 0.44036662578582764, 0.2922278344631195, 0.193922758102417, 0.12868738174438477,
      0.08539710193872452, 0.05666961893439293, 0.03760603070259094, 0.02495540864765644, 0.016560440883040428,
      0.010989529080688953, 0.00729266507551074, 0.00483942124992609, 0.0032114461064338684, 0.0012905480107292533,
      0.000429556705057621, 9.708286233944818e-5, 1.9461638657958247e-5, 1.291476746700937e-5, 8.570255886297673e-6,
      5.687232260243036e-6, 3.7740544485131977e-6, 2.504467147446121e-6, 1.6619674170215148e-6, 1.1028836297555245e-6,
      7.318749339901842e-7, 4.856731266045244e-7, 3.2229328894572973e-7, 2.1387423032592778e-7, 1.4192720243499934e-7,
      9.418306490260875e-8,
    ];
    expect([...ropeInvFreq(5e5, 64, llama32)]).toEqual(torch);
  });

  it('matches torch on a tiny head (theta 1e4, dim 8, original context 64): one value per band', () => {
    const s = { ...llama32, originalMaxPositionEmbeddings: 64 };
    expect([...ropeInvFreq(1e4, 8, s)]).toEqual([
      1.0, 0.00372535502538085, 0.0003124999930150807, 3.125000148429535e-5,
    ]);
  });

  it('linear divides every frequency by the factor (Gemma 3 4B global layers: 1e6, factor 8)', () => {
    const torch = [
      0.125, 0.02222849242389202, 0.0039528473280370235, 0.0007029266562312841, 0.0001250000059371814,
      2.2228492525755428e-5, 3.9528467823402025e-6, 7.029266839708725e-7,
    ];
    expect([...ropeInvFreq(1e6, 16, { type: 'linear', factor: 8 })]).toEqual(torch);
    const plain = ropeInvFreq(1e6, 16);
    expect(plain[1]).toBeCloseTo(1e6 ** (-2 / 16), 7);
  });
});
