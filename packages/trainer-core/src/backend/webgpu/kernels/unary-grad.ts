import { variantKey } from '../../../kernels/define.js';
import { UnaryGrad, type UnaryOp } from '../../../kernels/elementwise.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';

/** dx from s (the forward output or input, see unaryGradUsesOutput) and dy. */
const EXPR: Record<UnaryOp, string> = {
  neg: '-dy_v',
  exp: 'dy_v * s_v',
  log: 'dy_v / s_v',
  tanh: 'dy_v * (1.0 - s_v * s_v)',
  sigmoid: 'dy_v * s_v * (1.0 - s_v)',
  // d/dx log sigmoid(x) = sigmoid(-x), from the forward input.
  log_sigmoid: 'dy_v * sigmoid_f(-s_v)',
  silu: 'dy_v * sigmoid_f(s_v) * (1.0 + s_v * (1.0 - sigmoid_f(s_v)))',
  gelu: 'dy_v * gelu_grad_f(s_v)',
  relu: 'select(0.0, dy_v, s_v > 0.0)',
  sqrt: 'dy_v / (2.0 * s_v)',
  square: '2.0 * s_v * dy_v',
};

registerWebGpuKernel(UnaryGrad, ({ backend, inputs: [s, dy], outputs: [dx], attrs }) =>
  runMap(backend, {
    key: variantKey(UnaryGrad, attrs),
    inputs: [
      { name: 's', info: s! },
      { name: 'dy', info: dy! },
    ],
    outputs: [{ name: 'dx', info: dx!, expr: EXPR[attrs.op] }],
  }),
);
