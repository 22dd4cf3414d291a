import { type SgdAttrs, SgdUpdate } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { sgd } from '../reference/optim.js';

registerKernel<CpuBackend, SgdAttrs>(SgdUpdate, 'cpu', ({ backend, inputs: [p, g, buf], attrs }) => {
  const k = 'SgdUpdate';
  sgd(backend.floats(p!, k), backend.floats(g!, k), buf ? backend.floats(buf, k) : undefined, p!.size, attrs);
  return [];
});
