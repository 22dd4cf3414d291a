/** The broadcasting binary kernels (Add, Sub, Mul, Div, Minimum, Maximum) and Compare share one map. */
import { variantKey } from '../../../kernels/define.js';
import { BINARY_OPS, type BinaryOp, Compare } from '../../../kernels/elementwise.js';
import { runMap } from '../programs/map.js';
import { type GpuKernelArgs, registerWebGpuKernel } from '../register-kernel.js';

// NaN compares false (unequal) and propagates through min/max; tested on bits, see shader/lib.ts.
const EXPR: Record<BinaryOp, string> = {
  add: 'a_v + b_v',
  sub: 'a_v - b_v',
  mul: 'a_v * b_v',
  div: 'a_v / b_v',
  minimum: 'min_f(a_v, b_v)',
  maximum: 'max_f(a_v, b_v)',
  lt: 'select(0.0, 1.0, ordered && a_v < b_v)',
  le: 'select(0.0, 1.0, ordered && a_v <= b_v)',
  gt: 'select(0.0, 1.0, ordered && a_v > b_v)',
  ge: 'select(0.0, 1.0, ordered && a_v >= b_v)',
  eq: 'select(0.0, 1.0, ordered && a_v == b_v)',
  ne: 'select(1.0, 0.0, ordered && a_v == b_v)',
};

function run(key: string, op: BinaryOp, { backend, inputs: [a, b], outputs: [y] }: GpuKernelArgs<unknown>): void {
  runMap(backend, {
    key,
    inputs: [
      { name: 'a', info: a! },
      { name: 'b', info: b! },
    ],
    outputs: [{ name: 'y', info: y!, expr: EXPR[op] }],
    body: 'let ordered = !is_nan(a_v) && !is_nan(b_v);',
  });
}

registerWebGpuKernel(Compare, (args) => run(variantKey(Compare, args.attrs), args.attrs.op, args));

for (const [def, op] of BINARY_OPS) registerWebGpuKernel(def, (args) => run(def.name, op, args));
