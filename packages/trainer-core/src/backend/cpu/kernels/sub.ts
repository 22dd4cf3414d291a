import { Sub } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { binaryKernel } from './binary-common.js';

registerKernel<CpuBackend, unknown>(Sub, 'cpu', ({ backend, inputs: [a, b] }) => [
  ...binaryKernel('sub', 'Sub', backend, a!, b!),
]);
