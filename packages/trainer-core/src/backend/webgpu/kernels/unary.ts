import { variantKey } from '../../../kernels/define.js';
import { Unary, type UnaryOp } from '../../../kernels/elementwise.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';

const EXPR: Record<UnaryOp, string> = {
  neg: '-x_v',
  exp: 'exp(x_v)',
  log: 'log_f(x_v)',
  tanh: 'tanh_f(x_v)',
  sigmoid: 'sigmoid_f(x_v)',
  log_sigmoid: 'log_sigmoid_f(x_v)',
  silu: 'x_v * sigmoid_f(x_v)',
  gelu: 'gelu_f(x_v)',
  relu: 'select(x_v, 0.0, x_v < 0.0)',
  sqrt: 'sqrt_f(x_v)',
  square: 'x_v * x_v',
};

registerWebGpuKernel(Unary, ({ backend, inputs: [x], outputs: [y], attrs }) =>
  runMap(backend, {
    key: variantKey(Unary, attrs),
    inputs: [{ name: 'x', info: x! }],
    outputs: [{ name: 'y', info: y!, expr: EXPR[attrs.op] }],
  }),
);
