/**
 * The float dtypes a forward check runs in on a backend: f32 everywhere (the dtype a GPU and the
 * fast CPU kernels compute in), and f64 too where the backend computes it, each with the
 * tolerance that dtype allows.
 */
import type { FloatDType } from '../tensor/dtype.js';
import type { BackendCase } from './backends.js';

export interface FloatCheck {
  readonly dtype: FloatDType;
  readonly tol: number;
}

export function floatChecks(c: BackendCase, tol: { f32: number; f64: number }): FloatCheck[] {
  const checks: FloatCheck[] = [{ dtype: 'f32', tol: tol.f32 }];
  if (c.f64) checks.push({ dtype: 'f64', tol: tol.f64 });
  return checks;
}
