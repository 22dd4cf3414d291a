import { Div } from '../../kernel-defs.js';
import { registerKernel } from '../../registry.js';
import type { CpuBackend } from '../cpu-backend.js';
import { binaryKernel } from './binary-common.js';

registerKernel<CpuBackend, unknown>(Div, 'cpu', ({ backend, inputs: [a, b] }) => [
  ...binaryKernel('div', 'Div', backend, a!, b!),
]);
