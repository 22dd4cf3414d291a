import { type AdamWAttrs, AdamWUpdate } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { adamw } from '../reference/optim.js';

registerKernel<CpuBackend, AdamWAttrs>(AdamWUpdate, 'cpu', ({ backend, inputs: [p, g, m, v], attrs }) => {
  const k = 'AdamWUpdate';
  for (const t of [g, m, v]) {
    if (t!.size !== p!.size) throw new RangeError(`${k}: state sizes differ from the parameter (${p!.size})`);
  }
  adamw(backend.floats(p!, k), backend.floats(g!, k), backend.floats(m!, k), backend.floats(v!, k), p!.size, attrs);
  return [];
});
