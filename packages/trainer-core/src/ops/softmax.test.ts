import { describe, expect, it } from 'vitest';
import { tidy } from '../tensor/scope.js';
import { tensor } from './create.js';
import { logSoftmax, softmax } from './softmax.js';
import { expectClose, gradcheck } from './test-utils/gradcheck.js';

describe('softmax and log-softmax', () => {
  it('match the definitions and survive large logits', () => {
    tidy(() => {
      const x = tensor(new Float64Array([1, 2, 3, 1000, 1000, 999]), [2, 3], 'f64');
      const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
      const z = e[0]! + e[1]! + e[2]!;
      const b = 1 + 1 + Math.exp(-1);
      expectClose(softmax(x).toArray(), [e[0]! / z, e[1]! / z, e[2]! / z, 1 / b, 1 / b, Math.exp(-1) / b], 1e-14);
      expectClose(
        logSoftmax(x).toArray(),
        [1 - Math.log(z), 2 - Math.log(z), 3 - Math.log(z), -Math.log(b), -Math.log(b), -1 - Math.log(b)],
        1e-12,
      );
    });
  });

  it('only supports the last axis, with a clear error', () => {
    tidy(() => expect(() => softmax(tensor([1, 2, 3, 4], [2, 2]), 0)).toThrow(/only the last axis/));
  });

  it('differentiates', () => {
    gradcheck({ shapes: [[3, 7]], f: ([x]) => softmax(x!) });
    gradcheck({ shapes: [[2, 3, 5]], f: ([x]) => logSoftmax(x!) });
  });
});
