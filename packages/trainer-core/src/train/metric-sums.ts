/**
 * Running sums of an objective's scalar metrics, kept on the device: each micro-batch's values are
 * added in place into per-metric accumulators, and the window's means are read once, packed, on
 * logging steps (the one-readback rule of docs/trainer-core.md).
 */
import { noGrad } from '../autograd/grad-mode.js';
import { AddInPlace, Copy } from '../kernels/memory.js';
import { cast } from '../ops/elementwise.js';
import { readScalars } from '../ops/transfer.js';
import { runKernel } from '../tensor/engine.js';
import { keep, tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';

export class MetricSums {
  private readonly sums = new Map<string, Tensor>();
  private count = 0;

  /** Adds one micro-batch's metrics (scalar tensors of any float or int dtype; the caller keeps them). */
  add(metrics: Readonly<Record<string, Tensor>>): void {
    noGrad(() => {
      for (const [name, t] of Object.entries(metrics)) {
        const sum = this.sums.get(name);
        tidy(() => {
          const value = cast(t.detach(), 'f32');
          // The first value is copied: the sum is written in place and must not alias the caller's tensor.
          if (sum) runKernel(AddInPlace, [sum, value], { alpha: 1 });
          else this.sums.set(name, keep(runKernel(Copy, [value], {})[0]!));
        });
      }
    });
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /**
   * Means over the micro-batches added since the last reset, plus the current value of each
   * `extra` scalar (the gradient norm), in one packed download; then resets.
   */
  async readMeans(extra: Readonly<Record<string, Tensor>> = {}): Promise<Record<string, number>> {
    const n = this.count;
    const read = await readScalars({ ...Object.fromEntries(this.sums), ...extra });
    this.reset();
    return Object.fromEntries(Object.entries(read).map(([k, v]) => [k, k in extra || n === 0 ? v : v / n]));
  }

  reset(): void {
    for (const t of this.sums.values()) t.dispose();
    this.sums.clear();
    this.count = 0;
  }
}
