/** One torch.optim.SGD step in place (weight decay, momentum with dampening, Nesterov); all settings are uniforms. */
import { SgdUpdate } from '../../../kernels/optim.js';
import { runMap } from '../programs/map.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32, u32 } from '../shader/spec.js';

registerWebGpuKernel(SgdUpdate, ({ backend, inputs: [p, g, buf], attrs: a }) => {
  const uniforms = [...['lr', 'momentum', 'dampening', 'weightDecay'].map(f32), u32('first'), u32('nesterov')];
  const values = {
    lr: a.lr,
    momentum: a.momentum,
    dampening: a.dampening,
    weightDecay: a.weightDecay,
    first: a.firstStep ? 1 : 0,
    nesterov: a.nesterov ? 1 : 0,
  };
  const decayed = 'let gd = g_v + u.weightDecay * p_v;';
  if (!buf) {
    runMap(backend, {
      key: 'SgdUpdate',
      inputs: [{ name: 'g', info: g! }],
      inouts: [{ name: 'p', info: p!, expr: 'p_v - u.lr * gd' }],
      uniforms,
      values,
      body: decayed,
    });
    return;
  }
  runMap(backend, {
    key: 'SgdUpdate{momentumBuffer}',
    inputs: [{ name: 'g', info: g! }],
    inouts: [
      { name: 'buf', info: buf, expr: 'select(buf_v, bi, moving)' },
      {
        name: 'p',
        info: p!,
        expr: 'p_v - u.lr * select(gd, select(bi, gd + u.momentum * bi, u.nesterov == 1u), moving)',
      },
    ],
    uniforms,
    values,
    body: `${decayed}
  let moving = u.momentum != 0.0;
  let bi = select(u.momentum * buf_v + (1.0 - u.dampening) * gd, gd, u.first == 1u);`,
  });
});
