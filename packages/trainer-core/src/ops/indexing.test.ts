import { describe, expect, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { gradcheck } from '../test-utils/gradcheck.js';
import { liveBytesOrSkip } from '../test-utils/live-bytes.js';
import { values, valuesOf } from '../test-utils/read.js';
import { tensor } from './create.js';
import { embedding, gather } from './indexing.js';
import { crossEntropy } from './loss.js';
import { rope } from './rope.js';
import { checkIndices, checkLabels, checkPositions, setDebugChecks } from './validate-data.js';

/** Runs `fn` with the ops' debug data checks on. */
function withDebugChecks<T>(fn: () => T): T {
  setDebugChecks(true);
  try {
    return fn();
  } finally {
    setDebugChecks(false);
  }
}

describeEachBackend('gather / embedding', (b) => {
  it('looks up rows with any index shape', async () => {
    const w = () => tensor([0, 1, 10, 11, 20, 21], [3, 2]);
    const [e, cols] = await valuesOf(() => {
      const rows = embedding(w(), tensor(new Int32Array([2, 0, 2, 1]), [2, 2], 'i32'));
      expect(rows.shape).toEqual([2, 2, 2]);
      return [rows, gather(w(), tensor(new Int32Array([1, 1, 0]), [3], 'i32'), 1)];
    });
    expect(e).toEqual([20, 21, 0, 1, 20, 21, 10, 11]);
    expect(cols).toEqual([1, 1, 0, 11, 11, 10, 21, 21, 20]);
  });

  it('scatter-adds gradients of repeated indices', async () => {
    const w = tensor([0, 0, 0, 0, 0, 0], [3, 2]);
    w.requiresGrad = true;
    tidy(() =>
      embedding(w, tensor(new Int32Array([2, 0, 2]), [3], 'i32')).backward(tensor([1, 2, 3, 4, 5, 6], [3, 2])),
    );
    expect(await w.grad!.array()).toEqual([3, 4, 0, 0, 6, 8]);
    w.dispose();
    const ids = () => tensor(new Int32Array([4, 1, 4, 0, 2, 1, 1]), [7], 'i32');
    await gradcheck({ shapes: [[5, 3]], f: ([w]) => embedding(w!, ids()) });
    await gradcheck({ shapes: [[2, 5, 3]], f: ([w]) => gather(w!, ids(), 1) });
  });

  it('trusts its ids: one outside [0, n) reads zeros and sends no gradient anywhere', async () => {
    const w = tensor([1, 2, 3, 4], [2, 2]);
    w.requiresGrad = true;
    const out = tidy(() => {
      const e = embedding(w, tensor(new Int32Array([1, 2, -1, 0]), [4], 'i32'));
      e.backward(tensor([1, 1, 5, 5, 7, 7, 2, 3], [4, 2]));
      return e.detach();
    });
    expect(await out.array()).toEqual([3, 4, 0, 0, 0, 0, 1, 2]);
    expect(await w.grad!.array()).toEqual([2, 3, 1, 1]);
    out.dispose();
    w.dispose();
  });

  it('with debug checks on, rejects out-of-range ids with their position (where the host can read the ids)', (ctx) => {
    if (!b.backend.downloadSync) ctx.skip('debug checks read ids on the host');
    withDebugChecks(() =>
      tidy(() => {
        expect(() => embedding(tensor([1, 2], [2, 1]), tensor(new Int32Array([0, 2]), [2], 'i32'))).toThrow(
          /gather: index 2 at position 1 is outside \[0, 2\)/,
        );
      }),
    );
  });

  it('rejects non-i32 indices and out-of-range axes', async () => {
    tidy(() => {
      const w = tensor([1, 2, 3, 4], [2, 2]);
      expect(() => gather(w, tensor([0, 1]))).toThrow(/gather: indices must be i32/);
      expect(() => gather(w, tensor(new Int32Array([0]), [1], 'i32'), 2)).toThrow(/axis/);
    });
    // Debug checks off (the default): nothing is read back, the lookup runs.
    expect(await values(() => embedding(tensor([1, 2], [2, 1]), tensor(new Int32Array([0, 2]), [2], 'i32')))).toEqual([
      1, 0,
    ]);
  });
});

describe('data checks (host arrays, as a data loader runs them)', () => {
  it('name the offending value, its position and the valid range', () => {
    expect(() => checkIndices(new Int32Array([0, 1, 5]), 3, 'embedding')).toThrow(
      'embedding: index 5 at position 2 is outside [0, 3)',
    );
    expect(() => checkIndices(new Int32Array([-1]), 3, 'gather')).toThrow(/index -1 at position 0/);
    expect(() => checkIndices(new Int32Array([0, 2]), 3, 'gather')).not.toThrow();
    expect(() => checkLabels(new Int32Array([1, -100, 4]), undefined, 4, -100)).toThrow(
      'crossEntropy: label 4 at row 2 is outside [0, 4) and is not the ignore index -100',
    );
    // Masked-out rows and the ignore index are not checked.
    expect(() => checkLabels(new Int32Array([1, -100, 4]), [1, 1, 0], 4, -100)).not.toThrow();
    expect(() => checkPositions(new Int32Array([0, 3, -2]))).toThrow('rope: position -2 at index 2 is negative');
  });
});

describeEachBackend('errors leave nothing allocated', (b) => {
  it('with debug checks on, bad ids, labels and positions throw before any output is allocated', (ctx) => {
    if (!b.backend.downloadSync) ctx.skip('debug checks read ids on the host');
    const memory = liveBytesOrSkip(b.backend, ctx);
    withDebugChecks(() =>
      tidy(() => {
        const w = tensor([1, 2, 3, 4], [2, 2]);
        const ids = tensor(new Int32Array([0, 5]), [2], 'i32');
        const logits = tensor(new Float32Array(6), [2, 3]);
        logits.requiresGrad = true;
        const labels = tensor(new Int32Array([0, 3]), [2], 'i32');
        const mask = tensor(new Float32Array([1, 1]), [2]);
        const x = tensor(new Float32Array(8), [1, 2, 1, 4]);
        const positions = tensor(new Int32Array([0, -1]), [1, 2], 'i32');
        const before = memory.stats().liveBytes;
        expect(() => embedding(w, ids)).toThrow(/index 5 at position 1 is outside/);
        expect(() => crossEntropy(logits, labels)).toThrow(/label 3 at row 1 is outside/);
        expect(() => crossEntropy(logits, labels, { mask })).toThrow(/label 3 at row 1 is outside/);
        expect(() => rope(x, { positions })).toThrow(/position -1 at index 1 is negative/);
        expect(memory.stats().liveBytes).toBe(before);
        logits.dispose();
      }),
    );
  });
});
