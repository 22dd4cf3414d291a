import { expect, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { gradcheck } from '../test-utils/gradcheck.js';
import { valuesOf } from '../test-utils/read.js';
import { tensor } from './create.js';
import { argmax, max, mean, sum, sumToShape } from './reduce.js';
import { transpose } from './shape-ops.js';

describeEachBackend('reductions', () => {
  const x = () =>
    tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24], [2, 3, 4]);

  it('sum over all, one, adjacent and separated axes, with and without keepDims', async () => {
    const got = await valuesOf(() => [sum(x()), sum(x(), 2), sum(x(), 0), sum(x(), [1, 2]), sum(x(), [0, 2])]);
    expect(got).toEqual([
      [300],
      [10, 26, 42, 58, 74, 90],
      [14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36],
      [78, 222],
      [68, 100, 132],
    ]);
    tidy(() => {
      expect(sum(x(), [0, 2], true).shape).toEqual([1, 3, 1]);
      expect(sum(x(), -1, true).shape).toEqual([2, 3, 1]);
    });
  });

  it('mean and max (with the index of the first maximum)', async () => {
    const [m, all, axis1, arg, nan] = await valuesOf(() => [
      mean(x(), 1),
      max(x()),
      max(x(), 1),
      argmax(tensor([3, 7, 7, 1], [4])),
      max(tensor([1, Number.NaN, 3]), 0),
    ]);
    expect(m).toEqual([5, 6, 7, 8, 17, 18, 19, 20]);
    expect(all).toEqual([24]);
    expect(axis1).toEqual([9, 10, 11, 12, 21, 22, 23, 24]);
    expect(arg).toEqual([1]);
    expect(nan![0]).toBeNaN();
  });

  it('reduces strided views', async () => {
    const [s] = await valuesOf(() => [sum(transpose(tensor([1, 2, 3, 4, 5, 6], [2, 3])), 1)]);
    expect(s).toEqual([5, 7, 9]);
  });

  it('sumToShape undoes broadcasting', async () => {
    const g = () => tensor(new Float32Array(24).fill(1), [2, 3, 4]);
    expect(await valuesOf(() => [sumToShape(g(), [3, 1]), sumToShape(g(), [4])])).toEqual([
      [8, 8, 8],
      [6, 6, 6, 6],
    ]);
  });

  it('differentiates sum, mean and max', async () => {
    await gradcheck({ shapes: [[3, 5, 2]], f: ([a]) => sum(a!, [0, 2]) });
    await gradcheck({ shapes: [[3, 5, 2]], f: ([a]) => sum(a!, 1, true) });
    await gradcheck({ shapes: [[3, 5, 2]], f: ([a]) => mean(a!) });
    await gradcheck({ shapes: [[4, 7]], f: ([a]) => max(a!, 1) });
    await gradcheck({ shapes: [[4, 7]], f: ([a]) => max(a!) });
  });
});
