import { describe, expect, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
import { tensor } from './create.js';
import { crossEntropy, shiftLabels } from './loss.js';
import { gradcheck } from './test-utils/gradcheck.js';

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

describe('crossEntropy', () => {
  const rows = [
    [2, 1, 0.5, -1],
    [0.1, 0.2, 3, 0],
    [1, 1, 1, 1],
    [-2, 5, 0, 1],
    [0, 0, 0, 9],
  ];
  const labels = [0, 1, 3, 1, -100];

  it('gives the mean loss over non-ignored tokens and the token accuracy', () => {
    tidy(() => {
      const logits = tensor(new Float64Array(rows.flat()), [5, 4], 'f64');
      const r = crossEntropy(logits, tensor(new Int32Array(labels), [5], 'i32'));
      const ref = refCrossEntropy(rows, labels, [true, true, true, true, false]);
      expect(r.loss.itemSync()).toBeCloseTo(ref.loss, 12);
      // Row 0: argmax 0 = label; row 1: argmax 2 != 1; row 2: tie -> first index 0 != 3; row 3: argmax 1 = label.
      expect(r.accuracy.itemSync()).toBeCloseTo(0.5, 12);
      expect(r.tokens.itemSync()).toBe(4);
    });
  });

  it('applies a mask on top of the ignore label, for [B, T, V] logits', () => {
    tidy(() => {
      const logits = tensor(new Float64Array([...rows.flat(), 0, 0, 0, 0]), [2, 3, 4], 'f64');
      const lab = tensor(new Int32Array([...labels, 2]), [2, 3], 'i32');
      const mask = tensor(new Int32Array([1, 0, 1, 1, 1, 1]), [2, 3], 'i32');
      const r = crossEntropy(logits, lab, { mask });
      const ref = refCrossEntropy([...rows, [0, 0, 0, 0]], [...labels, 2], [true, false, true, true, false, true]);
      expect(r.loss.itemSync()).toBeCloseTo(ref.loss, 12);
      expect(r.tokens.itemSync()).toBe(4);
    });
  });

  it('gives loss 0 and no gradient when every token is ignored', () => {
    tidy(() => {
      const logits = tensor([1, 2, 3, 4], [2, 2]);
      logits.requiresGrad = true;
      const r = crossEntropy(logits, tensor(new Int32Array([-100, -100]), [2], 'i32'));
      expect(r.loss.itemSync()).toBe(0);
      r.loss.backward();
      expect(logits.grad!.toArray()).toEqual([0, 0, 0, 0]);
      logits.dispose();
    });
  });

  it('rejects labels outside the vocabulary, naming the row', () => {
    tidy(() => {
      expect(() => crossEntropy(tensor([1, 2, 3, 4], [2, 2]), tensor(new Int32Array([0, 2]), [2], 'i32'))).toThrow(
        /label 2 at row 1 is outside \[0, 2\)/,
      );
    });
  });

  it('differentiates (fused backward), with ignored and masked rows', () => {
    const lab = tensor(new Int32Array([3, -100, 0, 6, 2, 2]), [2, 3], 'i32');
    const mask = tensor(new Float32Array([1, 1, 1, 0, 1, 1]), [2, 3], 'f32');
    gradcheck({ shapes: [[2, 3, 7]], f: ([x]) => crossEntropy(x!, lab, { mask }).loss });
    lab.dispose();
    mask.dispose();
  });

  it('shiftLabels follows the causal-LM convention', () => {
    const ids = new Int32Array([5, 6, 7, 8, 1, 2, 0, 0]);
    expect(Array.from(shiftLabels(ids, 2, 4))).toEqual([6, 7, 8, -100, 2, 0, 0, -100]);
    expect(Array.from(shiftLabels(ids, 2, 4, [1, 1, 1, 1, 1, 1, 0, 0]))).toEqual([6, 7, 8, -100, 2, -100, -100, -100]);
  });
});
