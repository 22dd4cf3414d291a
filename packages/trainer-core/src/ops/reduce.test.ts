import { describe, expect, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
import { tensor } from './create.js';
import { argmax, max, mean, sum, sumToShape } from './reduce.js';
import { transpose } from './shape-ops.js';
import { gradcheck } from './test-utils/gradcheck.js';

describe('reductions', () => {
  const x = () =>
    tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24], [2, 3, 4]);

  it('sum over all, one, adjacent and separated axes, with and without keepDims', () => {
    tidy(() => {
      expect(sum(x()).toArray()).toEqual([300]);
      expect(sum(x(), 2).toArray()).toEqual([10, 26, 42, 58, 74, 90]);
      expect(sum(x(), 0).toArray()).toEqual([14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36]);
      expect(sum(x(), [1, 2]).toArray()).toEqual([78, 222]);
      expect(sum(x(), [0, 2]).toArray()).toEqual([68, 100, 132]);
      expect(sum(x(), [0, 2], true).shape).toEqual([1, 3, 1]);
      expect(sum(x(), -1, true).shape).toEqual([2, 3, 1]);
    });
  });

  it('mean and max (with the index of the first maximum)', () => {
    tidy(() => {
      expect(mean(x(), 1).toArray()).toEqual([5, 6, 7, 8, 17, 18, 19, 20]);
      expect(max(x()).toArray()).toEqual([24]);
      expect(max(x(), 1).toArray()).toEqual([9, 10, 11, 12, 21, 22, 23, 24]);
      const t = tensor([3, 7, 7, 1], [4]);
      expect(argmax(t).toArray()).toEqual([1]);
      expect(max(tensor([1, Number.NaN, 3]), 0).toArray()[0]).toBeNaN();
    });
  });

  it('reduces strided views', () => {
    tidy(() => {
      const t = transpose(tensor([1, 2, 3, 4, 5, 6], [2, 3]));
      expect(sum(t, 1).toArray()).toEqual([5, 7, 9]);
    });
  });

  it('sumToShape undoes broadcasting', () => {
    tidy(() => {
      const g = tensor(new Float32Array(24).fill(1), [2, 3, 4]);
      expect(sumToShape(g, [3, 1]).toArray()).toEqual([8, 8, 8]);
      expect(sumToShape(g, [4]).toArray()).toEqual([6, 6, 6, 6]);
    });
  });

  it('differentiates sum, mean and max', () => {
    gradcheck({ shapes: [[3, 5, 2]], f: ([a]) => sum(a!, [0, 2]) });
    gradcheck({ shapes: [[3, 5, 2]], f: ([a]) => sum(a!, 1, true) });
    gradcheck({ shapes: [[3, 5, 2]], f: ([a]) => mean(a!) });
    gradcheck({ shapes: [[4, 7]], f: ([a]) => max(a!, 1) });
    gradcheck({ shapes: [[4, 7]], f: ([a]) => max(a!) });
  });
});
