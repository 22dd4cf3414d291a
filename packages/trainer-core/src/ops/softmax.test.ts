import { expect, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { floatChecks } from '../test-utils/float-dtypes.js';
import { expectClose, gradcheck } from '../test-utils/gradcheck.js';
import { valuesOf } from '../test-utils/read.js';
import { tensor } from './create.js';
import { logSoftmax, softmax } from './softmax.js';

describeEachBackend('softmax and log-softmax', ({ case: c }) => {
  it('match the definitions and survive large logits', async () => {
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const z = e[0]! + e[1]! + e[2]!;
    const b = 1 + 1 + Math.exp(-1);
    const checks = [
      ...floatChecks(c, { f32: 1e-6, f64: 1e-14 }).map((k) => ({ ...k, op: softmax })),
      ...floatChecks(c, { f32: 1e-6, f64: 1e-12 }).map((k) => ({ ...k, op: logSoftmax })),
    ];
    for (const { dtype, tol, op } of checks) {
      const [y] = await valuesOf(() => [op(tensor([1, 2, 3, 1000, 1000, 999], [2, 3], dtype))]);
      const want =
        op === softmax
          ? [e[0]! / z, e[1]! / z, e[2]! / z, 1 / b, 1 / b, Math.exp(-1) / b]
          : [1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z), -Math.log(b), -Math.log(b), -1 - Math.log(b)];
      expectClose(y!, want, tol, `${op.name} ${dtype}`);
    }
  });

  it('only supports the last axis, with a clear error', () => {
    tidy(() => expect(() => softmax(tensor([1, 2, 3, 4], [2, 2]), 0)).toThrow(/only the last axis/));
  });

  it('differentiates', async () => {
    await gradcheck({ shapes: [[3, 7]], f: ([x]) => softmax(x!) });
    await gradcheck({ shapes: [[2, 3, 5]], f: ([x]) => logSoftmax(x!) });
  });
});
