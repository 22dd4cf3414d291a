import { Mul } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { binaryKernel } from './binary-common.js';

registerKernel<CpuBackend, unknown>(Mul, 'cpu', ({ backend, inputs: [a, b] }) => [
  ...binaryKernel('mul', 'Mul', backend, a!, b!),
]);
