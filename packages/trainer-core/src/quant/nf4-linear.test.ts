import { describe, expect, it } from 'vitest';
import { tensor } from '../ops/create.js';
import { nf4Matmul } from '../ops/quant-matmul.js';
import { sum } from '../ops/reduce.js';
import { TrainingRng } from '../random/training-rng.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { expectClose, gradcheck } from '../test-utils/gradcheck.js';
import { values } from '../test-utils/read.js';
import { dequantizeWeightNf4, type Nf4Data, Nf4Linear, quantizeWeightNf4 } from './nf4-linear.js';

function randomWeight(out: number, inF: number, seed: number): Float32Array {
  const rng = new TrainingRng(seed);
  const w = new Float32Array(out * inF);
  rng.fillNormal(w, 0, 0.5);
  return w;
}

/** x [m, k] @ W^T (or @ W) in f64 with W the dequantized weight. */
function oracle(x: Float32Array, m: number, w: Float32Array, out: number, inF: number, transposed: boolean): number[] {
  const [k, n] = transposed ? [out, inF] : [inF, out];
  const y: number[] = [];
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += x[i * k + p]! * (transposed ? w[p * inF + j]! : w[j * inF + p]!);
      y.push(s);
    }
  }
  return y;
}

const tensorsOf = (d: Nf4Data) => {
  const [outFeatures, inFeatures] = d.state.shape as [number, number];
  return {
    outFeatures,
    inFeatures,
    blocksize: d.state.blocksize,
    weight: tensor(d.packed, undefined, 'u8'),
    code: tensor(d.code),
    absmax: tensor(d.absmax),
    nested: d.state.nested
      ? { absmax: tensor(d.nestedAbsmax!), code: tensor(d.nestedCode!), ...d.state.nested }
      : undefined,
  };
};

describeEachBackend('Nf4Matmul', () => {
  // Odd sizes: blocks straddle rows, the element count is odd, the edge panels are partial.
  const shapes: [number, number, number][] = [
    [3, 5, 7],
    [9, 37, 19],
    [70, 130, 33],
    // Past the single-thread cut-off, two KC slices of the shared dimension.
    [64, 150, 400],
  ];
  for (const doubleQuant of [false, true]) {
    for (const [m, out, inF] of shapes) {
      it(`x W^T and x W equal the dequantized weight's products (m ${m}, W [${out}, ${inF}], double quant ${doubleQuant})`, async () => {
        const d = quantizeWeightNf4(randomWeight(out, inF, m), [out, inF], { blocksize: 32, doubleQuant });
        const w = dequantizeWeightNf4(d);
        for (const transposed of [false, true]) {
          const k = transposed ? out : inF;
          const x = randomWeight(m, k, 7);
          const got = await values(() => nf4Matmul(tensor(x, [m, k]), tensorsOf(d), transposed));
          expectClose(got, oracle(x, m, w, out, inF, transposed), 1e-4, `transposed ${transposed}`);
        }
      });
    }
  }

  it('keeps leading axes and checks the feature count', async () => {
    const d = quantizeWeightNf4(randomWeight(4, 6, 1), [4, 6]);
    const y = await values(() => nf4Matmul(tensor(new Float32Array(2 * 3 * 6).fill(1), [2, 3, 6]), tensorsOf(d)));
    expect(y.length).toBe(2 * 3 * 4);
    expect(() => nf4Matmul(tensor(new Float32Array(5), [1, 5]), tensorsOf(d))).toThrow(
      'Nf4Matmul: x must end in 6 features, got [1, 5]',
    );
  });

  it('differentiates with respect to x (the weight is frozen)', async () => {
    const d = quantizeWeightNf4(randomWeight(6, 10, 3), [6, 10], { blocksize: 32, doubleQuant: true });
    await gradcheck({ shapes: [[3, 10]], f: ([x]) => nf4Matmul(x!, tensorsOf(d)) });
    await gradcheck({ shapes: [[2, 6]], f: ([x]) => nf4Matmul(x!, tensorsOf(d), true) });
  });

  it('Nf4Linear computes x W^T + b and exposes bitsandbytes state-dict keys', async () => {
    const d = quantizeWeightNf4(randomWeight(5, 8, 4), [5, 8], { doubleQuant: true, dtype: 'bfloat16' });
    const bias = Float32Array.of(1, 2, 3, 4, 5);
    const layer = new Nf4Linear(d, { bias });
    const x = randomWeight(2, 8, 9);
    const want = oracle(x, 2, dequantizeWeightNf4(d), 5, 8, false).map((v, i) => v + bias[i % 5]!);
    expectClose(await values(() => layer.forward(tensor(x, [2, 8]))), want, 1e-5);
    expect([...layer.stateDict().keys()]).toEqual([
      'bias',
      'weight',
      'weight.absmax',
      'weight.quant_map',
      'weight.nested_absmax',
      'weight.nested_quant_map',
      'weight.quant_state.bitsandbytes__nf4',
    ]);
    expect(layer.stateDict().get('weight')!.shape).toEqual([20, 1]);
    expect(layer.parameters().every((p) => !p.requiresGrad)).toBe(true);
    const y = tensor(x, [2, 8]);
    y.requiresGrad = true;
    sum(layer.forward(y)).backward();
    expect(y.grad).not.toBeNull();
    layer.dispose();
  });
});

describe('quantizeWeightNf4', () => {
  it('round-trips through dequantization within the NF4 step', () => {
    const w = randomWeight(16, 64, 2);
    const back = dequantizeWeightNf4(quantizeWeightNf4(w, [16, 64]));
    for (let i = 0; i < w.length; i++) expect(Math.abs(back[i]! - w[i]!)).toBeLessThan(0.25 * 2);
  });
});
