/**
 * Installs the engine's fallback backend: the plain CPU backend (reference kernels, no threads),
 * created on first use, so a script can make tensors without any setup. Real work should call
 * `initBackend` for the fast CPU kernels or the GPU. Imported for its effect by the package entry.
 */
import { setDefaultBackendFactory } from '../tensor/engine.js';
import { CpuBackend } from './cpu/cpu-backend.js';

setDefaultBackendFactory(() => new CpuBackend());
