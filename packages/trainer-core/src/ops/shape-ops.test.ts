import { describe, expect, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
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
import { gradcheck } from './test-utils/gradcheck.js';

describe('views', () => {
  it('reshape, transpose, slice and expand share storage', () => {
    tidy(() => {
      const x = tensor([0, 1, 2, 3, 4, 5], [2, 3]);
      const r = reshape(x, [3, -1]);
      const t = transpose(x);
      const s = slice(x, [0, 1], [2, 2]);
      const e = expand(tensor([7, 8], [2, 1]), [2, 3]);
      for (const v of [r, t, s]) expect(v.storage).toBe(x.storage);
      expect(x.storage.refs).toBe(4);
      expect(r.shape).toEqual([3, 2]);
      expect(t.toArray()).toEqual([0, 3, 1, 4, 2, 5]);
      expect(s.toArray()).toEqual([1, 2, 4, 5]);
      expect(e.toArray()).toEqual([7, 7, 7, 8, 8, 8]);
      expect(t.isContiguous).toBe(false);
      expect(contiguous(t).isContiguous).toBe(true);
      expect(reshape(t, [6]).toArray()).toEqual([0, 3, 1, 4, 2, 5]);
      expect(narrow(x, 1, 2, 1).toArray()).toEqual([2, 5]);
      expect(unsqueeze(x, 0).shape).toEqual([1, 2, 3]);
      expect(squeeze(unsqueeze(x, 2), 2).shape).toEqual([2, 3]);
      expect(permute(tensor(new Float32Array(24), [2, 3, 4]), [2, 0, 1]).shape).toEqual([4, 2, 3]);
    });
  });

  it('frees storage only when the last view is disposed', () => {
    const x = tensor([1, 2, 3, 4], [2, 2]);
    const v = transpose(x);
    x.dispose();
    expect(v.toArray()).toEqual([1, 3, 2, 4]);
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

  it('concat along any axis', () => {
    tidy(() => {
      const a = tensor([1, 2, 3, 4], [2, 2]);
      const b = tensor([5, 6], [2, 1]);
      expect(concat([a, b], 1).toArray()).toEqual([1, 2, 5, 3, 4, 6]);
      expect(concat([a, transpose(b)], 0).toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    });
  });

  it('differentiates through every view op', () => {
    gradcheck({ shapes: [[2, 3, 4]], f: ([x]) => mul(reshape(x!, [4, 6]), 2) });
    gradcheck({ shapes: [[2, 3, 4]], f: ([x]) => contiguous(permute(x!, [2, 0, 1])) });
    gradcheck({ shapes: [[4, 5]], f: ([x]) => contiguous(slice(x!, [1, 2], [2, 3])) });
    gradcheck({ shapes: [[3, 1]], f: ([x]) => contiguous(expand(x!, [2, 3, 4])) });
    gradcheck({
      shapes: [
        [2, 3],
        [2, 2],
        [2, 1],
      ],
      f: ([a, b, c]) => concat([a!, b!, c!], 1),
    });
    gradcheck({ shapes: [[4, 3]], f: ([x]) => concat([narrow(x!, 0, 0, 2), narrow(x!, 0, 1, 3)], 0) });
  });
});
