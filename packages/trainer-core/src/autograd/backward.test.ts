import { expect, it } from 'vitest';
import { AddInPlace } from '../kernels/index.js';
import { tensor } from '../ops/create.js';
import { add, exp, mul, sub } from '../ops/elementwise.js';
import { linear, matmul } from '../ops/matmul.js';
import { sum } from '../ops/reduce.js';
import { runKernel } from '../tensor/engine.js';
import { dispose, tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { liveBytesOrSkip } from '../test-utils/live-bytes.js';
import { values } from '../test-utils/read.js';
import { enableGrad, isGradEnabled, noGrad } from './grad-mode.js';

function param(values: number[], shape: number[]) {
  const t = tensor(values, shape);
  t.requiresGrad = true;
  return t;
}

describeEachBackend('backward', (b) => {
  it('accumulates gradients across micro-batches until they are zeroed', async () => {
    const w = param([1, 2], [2]);
    for (const x of [
      [3, 4],
      [5, 6],
    ]) {
      tidy(() => sum(mul(w, tensor(x, [2]))).backward());
    }
    expect(await w.grad!.array()).toEqual([8, 10]);
    w.grad!.dispose();
    w.grad = null;
    tidy(() => sum(mul(w, w)).backward());
    expect(await w.grad!.array()).toEqual([2, 4]);
    w.dispose();
  });

  it('adds the gradients of a tensor used on several paths (tied weights)', async () => {
    const w = param([1, -2, 0.5, 3], [2, 2]);
    tidy(() => {
      const x = tensor([1, 2], [1, 2]);
      const h = linear(x, w);
      const y = matmul(h, w);
      sum(y).backward();
    });
    // y = (x W^T) W; dL/dW = (x^T . (1 W^T))^T-ish: check against finite differences.
    const g = await w.grad!.array();
    const f = async (vals: number[]) =>
      (
        await values(() =>
          noGrad(() => sum(matmul(linear(tensor([1, 2], [1, 2]), tensor(vals, [2, 2])), tensor(vals, [2, 2])))),
        )
      )[0]!;
    const base = [1, -2, 0.5, 3];
    for (const [i, v] of base.entries()) {
      const p = [...base];
      const m = [...base];
      p[i] = v + 1e-2;
      m[i] = v - 1e-2;
      expect(g[i]).toBeCloseTo(((await f(p)) - (await f(m))) / 2e-2, 2);
    }
    w.dispose();
  });

  it('records nothing under noGrad, and enableGrad turns recording back on', () => {
    const w = param([1], [1]);
    tidy(() => {
      const y = noGrad(() => {
        expect(isGradEnabled()).toBe(false);
        const inner = enableGrad(() => mul(w, 2));
        expect(inner.requiresGrad).toBe(true);
        return mul(w, 3);
      });
      expect(y.requiresGrad).toBe(false);
      expect(() => y.backward()).toThrow(/does not require grad/);
    });
    w.dispose();
  });

  it('detach cuts the graph; frozen parameters get no gradient', async () => {
    const a = param([2], [1]);
    const frozen = param([5], [1]);
    frozen.requiresGrad = false;
    tidy(() => {
      const y = add(mul(a.detach(), a), mul(frozen, a));
      y.backward();
    });
    expect(await a.grad!.array()).toEqual([7]);
    expect(frozen.grad).toBeNull();
    dispose([a, frozen]);
  });

  it('refuses a second backward through the same graph and non-scalar roots without a gradient', () => {
    const w = param([1, 2], [2]);
    tidy(() => {
      const y = sum(exp(w));
      y.backward();
      expect(() => y.backward()).toThrow(/already differentiated/);
      expect(() => mul(w, 2).backward()).toThrow(/not a scalar/);
    });
    w.dispose();
  });

  it('detects a saved tensor modified in place between forward and backward', () => {
    const w = param([1, 2], [2]);
    tidy(() => {
      const y = sum(mul(w, w));
      runKernel(AddInPlace, [w, tensor([1, 1], [2])], { alpha: 1 });
      expect(() => y.backward()).toThrow(/modified in place/);
    });
    w.dispose();
  });

  it('rejects requiresGrad on non-leaves and on integer tensors', () => {
    const w = param([1], [1]);
    tidy(() => {
      const y = mul(w, 2);
      expect(() => {
        y.requiresGrad = false;
      }).toThrow(/leaf tensors/);
      expect(() => {
        tensor(new Int32Array([1]), [1], 'i32').requiresGrad = true;
      }).toThrow(/only f32\/f64/);
    });
    w.dispose();
  });

  it('frees every saved tensor after backward, and a never-differentiated graph when its outputs go', (ctx) => {
    const memory = liveBytesOrSkip(b.backend, ctx);
    const live = () => memory.stats().liveBytes;
    const w = param([0.5, -1, 2, 0.25], [2, 2]);
    const before = live();
    tidy(() => {
      const x = tensor([1, 2, 3, 4], [2, 2]);
      const loss = sum(exp(sub(matmul(x, w), 1)));
      loss.backward();
    });
    expect(w.grad).not.toBeNull();
    // Only the gradient stays: as much as one more [2, 2] tensor takes on this backend's allocator.
    const gradBytes = live() - before;
    const probe = tensor([0, 0, 0, 0], [2, 2]);
    expect(gradBytes).toBe(live() - before - gradBytes);
    probe.dispose();
    w.grad!.dispose();
    w.grad = null;
    tidy(() => {
      const x = tensor([1, 2, 3, 4], [2, 2]);
      sum(exp(sub(matmul(x, w), 1)));
    });
    expect(live()).toBe(before);
    w.dispose();
  });
});
