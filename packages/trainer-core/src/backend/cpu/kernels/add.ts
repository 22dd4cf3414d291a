import { Add } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { binaryKernel } from './binary-common.js';

registerKernel<CpuBackend, unknown>(Add, 'cpu', ({ backend, inputs: [a, b] }) => [
  ...binaryKernel('add', 'Add', backend, a!, b!),
]);
