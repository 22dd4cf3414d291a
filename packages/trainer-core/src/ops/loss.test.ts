import { describe, expect, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { floatChecks } from '../test-utils/float-dtypes.js';
import { expectClose, gradcheck } from '../test-utils/gradcheck.js';
import { values, valuesOf } from '../test-utils/read.js';
import { tensor } from './create.js';
import { crossEntropy, shiftLabels, tokenLogProbs } from './loss.js';
import { setDebugChecks } from './validate-data.js';

function refCrossEntropy(logits: number[][], labels: number[], keep: boolean[]): { loss: number; acc: number } {
  let total = 0;
  let n = 0;
  let correct = 0;
  logits.forEach((row, r) => {
    if (!keep[r]) return;
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    total += lse - row[labels[r]!]!;
    n++;
    if (row.indexOf(m) === labels[r]) correct++;
  });
  return { loss: total / n, acc: correct / n };
}

describeEachBackend('crossEntropy', (b) => {
  const rows = [
    [2, 1, 0.5, -1],
    [0.1, 0.2, 3, 0],
    [1, 1, 1, 1],
    [-2, 5, 0, 1],
    [0, 0, 0, 9],
  ];
  const labels = [0, 1, 3, 1, -100];
  // f64: what toBeCloseTo(x, 12) allowed before; f32: a few ulps of a loss near 1.
  const checks = floatChecks(b.case, { f32: 4e-6, f64: 5e-13 });

  it('gives the mean loss over non-ignored tokens and the token accuracy', async () => {
    const ref = refCrossEntropy(rows, labels, [true, true, true, true, false]);
    for (const { dtype, tol } of checks) {
      const [loss, acc, tokens] = await valuesOf(() => {
        const r = crossEntropy(tensor(rows.flat(), [5, 4], dtype), tensor(new Int32Array(labels), [5], 'i32'));
        expect(r.tokens.dtype).toBe('i32');
        return [r.loss, r.accuracy, r.tokens];
      });
      expect(Math.abs(loss![0]! - ref.loss), dtype).toBeLessThan(tol);
      // Row 0: argmax 0 = label; row 1: argmax 2 != 1; row 2: tie -> first index 0 != 3; row 3: argmax 1 = label.
      expect(acc![0]).toBe(0.5);
      expect(tokens).toEqual([4]);
    }
  });

  it('applies a mask on top of the ignore label, for [B, T, V] logits', async () => {
    const ref = refCrossEntropy([...rows, [0, 0, 0, 0]], [...labels, 2], [true, false, true, true, false, true]);
    for (const { dtype, tol } of checks) {
      for (const maskDType of ['i32', 'f32'] as const) {
        const [loss, tokens] = await valuesOf(() => {
          const logits = tensor([...rows.flat(), 0, 0, 0, 0], [2, 3, 4], dtype);
          const lab = tensor(new Int32Array([...labels, 2]), [2, 3], 'i32');
          const mask = tensor([1, 0, 1, 1, 1, 1], [2, 3], maskDType);
          const r = crossEntropy(logits, lab, { mask });
          return [r.loss, r.tokens];
        });
        expect(Math.abs(loss![0]! - ref.loss), `${dtype}, ${maskDType} mask`).toBeLessThan(tol);
        expect(tokens).toEqual([4]);
      }
    }
  });

  it('gives loss 0 and no gradient when every token is ignored', async () => {
    const logits = tensor([1, 2, 3, 4], [2, 2]);
    logits.requiresGrad = true;
    const [loss] = await valuesOf(() => {
      const r = crossEntropy(logits, tensor(new Int32Array([-100, -100]), [2], 'i32'));
      r.loss.backward();
      return [r.loss];
    });
    expect(loss).toEqual([0]);
    expect(await logits.grad!.array()).toEqual([0, 0, 0, 0]);
    logits.dispose();
  });

  it('trusts its labels: one outside the vocabulary is left out of the mean and gets no gradient', async () => {
    // Rows 0 and 2 count (labels 0 and 1); row 1's label 2 is outside [0, 2).
    const logits = tensor([1, 2, 5, 0, 0.5, -1], [3, 2]);
    logits.requiresGrad = true;
    const [loss, tokens] = await valuesOf(() => {
      const r = crossEntropy(logits, tensor(new Int32Array([0, 2, 1]), [3], 'i32'));
      r.loss.backward();
      return [r.loss, r.tokens];
    });
    const ref = refCrossEntropy(
      [
        [1, 2],
        [5, 0],
        [0.5, -1],
      ],
      [0, 0, 1],
      [true, false, true],
    );
    expect(tokens).toEqual([2]);
    expect(loss![0]).toBeCloseTo(ref.loss, 6);
    const grad = await logits.grad!.array();
    expect(grad.slice(2, 4)).toEqual([0, 0]);
    // Counted rows: (softmax - onehot) / 2.
    const s0 = 1 / (1 + Math.exp(1));
    expect(grad[0]).toBeCloseTo((s0 - 1) / 2, 6);
    expect(grad[1]).toBeCloseTo((1 - s0) / 2, 6);
    logits.dispose();
  });

  it('with debug checks on, rejects labels outside the vocabulary, naming the row (where the host can read them)', (ctx) => {
    if (!b.backend.downloadSync) ctx.skip('debug checks read labels on the host');
    setDebugChecks(true);
    try {
      tidy(() => {
        expect(() => crossEntropy(tensor([1, 2, 3, 4], [2, 2]), tensor(new Int32Array([0, 2]), [2], 'i32'))).toThrow(
          /label 2 at row 1 is outside \[0, 2\)/,
        );
        // A masked-out row is not checked.
        const mask = tensor(new Int32Array([1, 0]), [2], 'i32');
        expect(() =>
          crossEntropy(tensor([1, 2, 3, 4], [2, 2]), tensor(new Int32Array([0, 2]), [2], 'i32'), { mask }),
        ).not.toThrow();
      });
    } finally {
      setDebugChecks(false);
    }
  });

  it('rejects labels that are not i32 or do not match the logits', () => {
    tidy(() => {
      const logits = tensor([1, 2, 3, 4, 5, 6], [3, 2]);
      expect(() => crossEntropy(logits, tensor([0, 1, 0]))).toThrow(/labels must be i32/);
      expect(() => crossEntropy(logits, tensor(new Int32Array([0, 1]), [2], 'i32'))).toThrow(/do not match labels/);
      expect(() =>
        crossEntropy(logits, tensor(new Int32Array([0, 1, 0]), [3], 'i32'), { mask: tensor([1, 1], [2]) }),
      ).toThrow(/mask .* does not match labels/);
    });
  });

  it('differentiates (fused backward), with ignored and masked rows', async () => {
    await gradcheck({
      shapes: [[2, 3, 7]],
      f: ([x]) =>
        crossEntropy(x!, tensor(new Int32Array([3, -100, 0, 6, 2, 2]), [2, 3], 'i32'), {
          mask: tensor(new Float32Array([1, 1, 1, 0, 1, 1]), [2, 3], 'f32'),
        }).loss,
    });
  });
});

describe('shiftLabels', () => {
  it('follows the causal-LM convention', () => {
    const ids = new Int32Array([5, 6, 7, 8, 1, 2, 0, 0]);
    expect(Array.from(shiftLabels(ids, 2, 4))).toEqual([6, 7, 8, -100, 2, 0, 0, -100]);
    expect(Array.from(shiftLabels(ids, 2, 4, [1, 1, 1, 1, 1, 1, 0, 0]))).toEqual([6, 7, 8, -100, 2, -100, -100, -100]);
  });
});

describeEachBackend('tokenLogProbs', () => {
  it('is log_softmax at the label, 0 for ignored positions (hand-computed)', async () => {
    // Row [1, 2, 3]: logsumexp = 3 + log(1 + e^-1 + e^-2) = 3.40760596.
    const got = await values(() =>
      tokenLogProbs(tensor([1, 2, 3, 0, 0, 0], [1, 2, 3]), tensor(new Int32Array([0, -100]), [1, 2], 'i32')),
    );
    expectClose(got, [1 - 3.40760596444438, 0], 1e-6);
  });

  it('differentiates against finite differences, sending nothing through ignored rows', async () => {
    await gradcheck({
      shapes: [[2, 3, 5]],
      f: ([x]) => tokenLogProbs(x!, tensor(new Int32Array([4, 0, -100, 2, 1, 3]), [2, 3], 'i32')),
    });
  });
});
