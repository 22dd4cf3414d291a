import { describe, expect, it } from 'vitest';
import type { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { getBackend } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import { tensor } from './create.js';
import { embedding, gather } from './indexing.js';
import { crossEntropy } from './loss.js';
import { rope } from './rope.js';
import { gradcheck } from './test-utils/gradcheck.js';

describe('gather / embedding', () => {
  it('looks up rows with any index shape', () => {
    tidy(() => {
      const w = tensor([0, 1, 10, 11, 20, 21], [3, 2]);
      const ids = tensor(new Int32Array([2, 0, 2, 1]), [2, 2], 'i32');
      const e = embedding(w, ids);
      expect(e.shape).toEqual([2, 2, 2]);
      expect(e.toArray()).toEqual([20, 21, 0, 1, 20, 21, 10, 11]);
      const cols = gather(w, tensor(new Int32Array([1, 1, 0]), [3], 'i32'), 1);
      expect(cols.toArray()).toEqual([1, 1, 0, 11, 11, 10, 21, 21, 20]);
    });
  });

  it('scatter-adds gradients of repeated indices', () => {
    tidy(() => {
      const w = tensor([0, 0, 0, 0, 0, 0], [3, 2]);
      w.requiresGrad = true;
      const ids = tensor(new Int32Array([2, 0, 2]), [3], 'i32');
      embedding(w, ids).backward(tensor([1, 2, 3, 4, 5, 6], [3, 2]));
      expect(w.grad!.toArray()).toEqual([3, 4, 0, 0, 6, 8]);
      w.dispose();
    });
    const ids = tensor(new Int32Array([4, 1, 4, 0, 2, 1, 1]), [7], 'i32');
    gradcheck({ shapes: [[5, 3]], f: ([w]) => embedding(w!, ids) });
    gradcheck({ shapes: [[2, 5, 3]], f: ([w]) => gather(w!, ids, 1) });
    ids.dispose();
  });

  it('rejects out-of-range ids with their position', () => {
    tidy(() => {
      expect(() => embedding(tensor([1, 2], [2, 1]), tensor(new Int32Array([0, 2]), [2], 'i32'))).toThrow(
        /index 2 at position 1 is outside \[0, 2\)/,
      );
    });
  });
});

describe('errors leave nothing allocated', () => {
  it('bad ids, labels and positions throw before any output is allocated', () => {
    const heap = (getBackend() as CpuBackend).heap;
    tidy(() => {
      const w = tensor([1, 2, 3, 4], [2, 2]);
      const ids = tensor(new Int32Array([0, 5]), [2], 'i32');
      const logits = tensor(new Float32Array(6), [2, 3]);
      logits.requiresGrad = true;
      const labels = tensor(new Int32Array([0, 3]), [2], 'i32');
      const x = tensor(new Float32Array(8), [1, 2, 1, 4]);
      const positions = tensor(new Int32Array([0, -1]), [1, 2], 'i32');
      const before = heap.stats().liveBytes;
      expect(() => embedding(w, ids)).toThrow(/index 5 at position 1 is outside/);
      expect(() => crossEntropy(logits, labels)).toThrow(/label 3 at row 1 is outside/);
      expect(() => rope(x, { positions })).toThrow(/position -1 at index 1 is negative/);
      expect(heap.stats().liveBytes).toBe(before);
      logits.dispose();
    });
  });
});
