import { ScaleInPlace } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';

registerKernel<CpuBackend, { scale: number }>(ScaleInPlace, 'cpu', ({ backend, inputs: [x], attrs }) => {
  const d = backend.floats(x!, 'ScaleInPlace');
  const n = x!.size;
  for (let i = 0; i < n; i++) d[i]! *= attrs.scale;
  return [];
});
