import { expect, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { gradcheck } from '../test-utils/gradcheck.js';
import { valuesOf } from '../test-utils/read.js';
import { tensor } from './create.js';
import { mul } from './elementwise.js';
import {
  concat,
  contiguous,
  expand,
  narrow,
  permute,
  reshape,
  slice,
  squeeze,
  transpose,
  unsqueeze,
} from './shape-ops.js';

describeEachBackend('views', () => {
  it('reshape, transpose, slice and expand share storage', async () => {
    const got = await valuesOf(() => {
      const x = tensor([0, 1, 2, 3, 4, 5], [2, 3]);
      const r = reshape(x, [3, -1]);
      const t = transpose(x);
      const s = slice(x, [0, 1], [2, 2]);
      const e = expand(tensor([7, 8], [2, 1]), [2, 3]);
      for (const v of [r, t, s]) expect(v.storage).toBe(x.storage);
      expect(x.storage.refs).toBe(4);
      expect(r.shape).toEqual([3, 2]);
      expect(t.isContiguous).toBe(false);
      expect(contiguous(t).isContiguous).toBe(true);
      expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
      expect(squeeze(unsqueeze(x, 2), 2).shape).toEqual([2, 3]);
      expect(permute(tensor(new Float32Array(24), [2, 3, 4]), [2, 0, 1]).shape).toEqual([4, 2, 3]);
      return [t, s, e, reshape(t, [6]), narrow(x, 1, 2, 1)];
    });
    expect(got).toEqual([
      [0, 3, 1, 4, 2, 5],
      [1, 2, 4, 5],
      [7, 7, 7, 8, 8, 8],
      [0, 3, 1, 4, 2, 5],
      [2, 5],
    ]);
  });

  it('frees storage only when the last view is disposed', async () => {
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const v = transpose(x);
    x.dispose();
    expect(await v.array()).toEqual([1, 3, 2, 4]);
    expect(v.storage.refs).toBe(1);
    v.dispose();
    expect(v.storage.refs).toBe(0);
  });

  it('reports bad shapes clearly', () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      expect(() => reshape(x, [4, -1])).toThrow(/cannot infer -1/);
      expect(() => slice(x, [1, 2], [2, 1])).toThrow(/axis 0 range \[1, 3\)/);
      expect(() => expand(x, [2, 2])).toThrow(/cannot expand/);
      expect(() => concat([x, tensor([1, 2], [1, 2])], 0)).toThrow(/does not match/);
    });
  });

  it('concat along any axis', async () => {
    const a = () => tensor([1, 2, 3, 4], [2, 2]);
    const b = () => tensor([5, 6], [2, 1]);
    expect(await valuesOf(() => [concat([a(), b()], 1), concat([a(), transpose(b())], 0)])).toEqual([
      [1, 2, 5, 3, 4, 6],
      [1, 2, 3, 4, 5, 6],
    ]);
  });

  it('differentiates through every view op', async () => {
    await gradcheck({ shapes: [[2, 3, 4]], f: ([x]) => mul(reshape(x!, [4, 6]), 2) });
    await gradcheck({ shapes: [[2, 3, 4]], f: ([x]) => contiguous(permute(x!, [2, 0, 1])) });
    await gradcheck({ shapes: [[4, 5]], f: ([x]) => contiguous(slice(x!, [1, 2], [2, 3])) });
    await gradcheck({ shapes: [[3, 1]], f: ([x]) => contiguous(expand(x!, [2, 3, 4])) });
    await gradcheck({
      shapes: [
        [2, 3],
        [2, 2],
        [2, 1],
      ],
      f: ([a, b, c]) => concat([a!, b!, c!], 1),
    });
    await gradcheck({ shapes: [[4, 3]], f: ([x]) => concat([narrow(x!, 0, 0, 2), narrow(x!, 0, 1, 3)], 0) });
  });
});
