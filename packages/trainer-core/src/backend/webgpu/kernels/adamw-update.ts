/** One torch.optim.AdamW step in place, in one kernel; step-dependent factors are computed on the host in f64. */
import { AdamWUpdate } from '../../../kernels/optim.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32 } from '../shader/spec.js';

registerWebGpuKernel(AdamWUpdate, ({ backend, inputs: [p, g, m, v], attrs: a }) =>
  runMap(backend, {
    key: 'AdamWUpdate',
    inputs: [{ name: 'g', info: g! }],
    inouts: [
      { name: 'm', info: m!, expr: 'mi' },
      { name: 'v', info: v!, expr: 'vi' },
      { name: 'p', info: p!, expr: 'p_v * u.decay - (u.stepSize * mi) / (sqrt(vi) / u.bc2Sqrt + u.eps)' },
    ],
    uniforms: ['decay', 'stepSize', 'bc2Sqrt', 'eps', 'beta1', 'beta2'].map(f32),
    values: {
      decay: 1 - a.lr * a.weightDecay,
      stepSize: a.lr / (1 - a.beta1 ** a.step),
      bc2Sqrt: Math.sqrt(1 - a.beta2 ** a.step),
      eps: a.eps,
      beta1: a.beta1,
      beta2: a.beta2,
    },
    body: `let mi = u.beta1 * m_v + (1.0 - u.beta1) * g_v;
  let vi = u.beta2 * v_v + (1.0 - u.beta2) * g_v * g_v;`,
  }),
);
