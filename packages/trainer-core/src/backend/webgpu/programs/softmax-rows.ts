/** The row kernels of softmax and log-softmax, forward and backward: one workgroup per row. */
import type { KernelDef } from '../../../kernels/define.js';
import { lastAxisRows } from '../../../kernels/shapes/last-axis-rows.js';
import type { TensorInfo } from '../../backend.js';
import { registerWebGpuKernel } from '../register-kernel.js';
import { f32In, f32Out, u32 } from '../shader/spec.js';
import { tensorView } from '../webgpu-backend.js';
import { rowEnables, rowGrid, rowKernel, rowMaxAndSumExp, rowShape } from './rows.js';

export const SOFTMAX_FORWARD = (wg: number, log: boolean) => /* wgsl */ `
  let xb = u.x_o + row * u.n;
  let yb = u.y_o + row * u.n;
  ${rowMaxAndSumExp(wg, 'x', 'xb', 'u.n')}
  ${
    log
      ? `// (x - m) is exact for the large entries, so large logits keep their digits.
  let ls = log(s);
  for (var j = lix; j < u.n; j += ${wg}u) { y[yb + j] = (x[xb + j] - m) - ls; }`
      : `let inv = 1.0 / s;
  for (var j = lix; j < u.n; j += ${wg}u) { y[yb + j] = exp(x[xb + j] - m) * inv; }`
  }`;

// Softmax: dx = y (dy - sum(dy y)); log-softmax: dx = dy - exp(y) sum(dy).
export const SOFTMAX_BACKWARD = (wg: number, log: boolean) => /* wgsl */ `
  let yb = u.y_o + row * u.n;
  let db = u.dy_o + row * u.n;
  let xb = u.dx_o + row * u.n;
  var s = 0.0;
  for (var j = lix; j < u.n; j += ${wg}u) { s += ${log ? 'dy[db + j]' : 'dy[db + j] * y[yb + j]'}; }
  s = wg_sum(s, lix);
  for (var j = lix; j < u.n; j += ${wg}u) {
    dx[xb + j] = ${log ? 'dy[db + j] - exp(y[yb + j]) * s' : 'y[yb + j] * (dy[db + j] - s)'};
  }`;

export function registerSoftmaxRows(
  def: KernelDef<Record<string, never>>,
  names: string[],
  body: (wg: number) => string,
): void {
  registerWebGpuKernel(def, ({ backend, inputs, outputs }) => {
    const all: TensorInfo[] = [...inputs, ...outputs];
    const { rows, n } = lastAxisRows(inputs[0]!.shape);
    if (rows * n === 0) return;
    const shape = rowShape(backend, def.name, n);
    const program = backend.program(shape.key, () => ({
      key: shape.key,
      enables: rowEnables(shape),
      bindings: names.map((name, i) => (i < inputs.length ? f32In(name) : f32Out(name))),
      uniforms: [u32('rows'), u32('n')],
      code: rowKernel(shape, body(shape.wg)),
    }));
    backend.dispatch(program, all.map(tensorView), { rows, n }, rowGrid(rows));
  });
}
