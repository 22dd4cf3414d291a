import { type AdamWAttrs, AdamWUpdate } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { adamw } from '../reference/optim.js';

registerKernel<CpuBackend, AdamWAttrs>(AdamWUpdate, 'cpu', ({ backend, inputs: [p, g, m, v], attrs }) => {
  const k = 'AdamWUpdate';
  for (const t of [g, m, v]) {
    if (t!.size !== p!.size) throw new RangeError(`${k}: state sizes differ from the parameter (${p!.size})`);
  }
  const fast = [g, m, v].every((t) => t!.dtype === p!.dtype) ? backend.fastFor(p!.dtype) : undefined;
  if (fast) {
    const [param, grad, expAvg, expAvgSq] = [p, g, m, v].map((t) => backend.pointer(t!)) as [
      number,
      number,
      number,
      number,
    ];
    fast.adamw({ param, grad, expAvg, expAvgSq, n: p!.size, ...attrs });
    return [];
  }
  adamw(backend.floats(p!, k), backend.floats(g!, k), backend.floats(m!, k), backend.floats(v!, k), p!.size, attrs);
  return [];
});
