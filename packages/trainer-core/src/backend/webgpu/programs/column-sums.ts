/**
 * Per-column sums over rows of expressions (the weight and bias gradients of the norms):
 * out_k[j] = sum_r expr_k(r, j). One thread per column and chunk of rows; with several chunks the
 * partial sums are reduced by sumAxis, so nothing needs float atomics.
 */
import { entry, linearGrid, linearThread } from '../shader/grid.js';
import { type BindingDecl, f32Out, u32 } from '../shader/spec.js';
import type { BufferView, WebGpuBackend } from '../webgpu-backend.js';
import { sumAxis } from './reduce.js';

const WG = 64;
const ROWS_PER_CHUNK = 128;

export interface ColumnSums {
  readonly key: string;
  readonly rows: number;
  readonly n: number;
  readonly inputs: readonly (readonly [BindingDecl, BufferView])[];
  /** One output view of n elements per expression. */
  readonly outputs: readonly BufferView[];
  /** WGSL f32 expressions of `r` (row) and `j` (column). */
  readonly exprs: readonly string[];
}

export function columnSums(backend: WebGpuBackend, c: ColumnSums): void {
  if (c.n === 0) return;
  const chunks = c.n < 4096 && c.rows > 2 * ROWS_PER_CHUNK ? Math.ceil(c.rows / ROWS_PER_CHUNK) : 1;
  const chunk = Math.max(1, Math.ceil(c.rows / chunks));
  const names = c.exprs.map((_, k) => `out${k}`);
  const program = backend.program(c.key, () => ({
    key: c.key,
    bindings: [...c.inputs.map(([decl]) => decl), ...names.map(f32Out)],
    uniforms: [u32('rows'), u32('n'), u32('chunk'), u32('chunks')],
    code: /* wgsl */ `
${entry(WG)} {
  let t = ${linearThread(WG)};
  if (t >= u.n * u.chunks) { return; }
  let j = t % u.n;
  let c = t / u.n;
  ${names.map((_, k) => `var acc${k} = 0.0;`).join('\n  ')}
  for (var r = c * u.chunk; r < min(u.rows, (c + 1u) * u.chunk); r++) {
    ${c.exprs.map((e, k) => `acc${k} += ${e};`).join('\n    ')}
  }
  ${names.map((name, k) => `${name}[u.${name}_o + t] = acc${k};`).join('\n  ')}
}`,
  }));
  const targets = c.outputs.map((out) =>
    chunks === 1 ? out : { buffer: backend.scratch(chunks * c.n * 4), offset: 0, span: chunks * c.n },
  );
  backend.dispatch(
    program,
    [...c.inputs.map(([, v]) => v), ...targets],
    { rows: c.rows, n: c.n, chunk, chunks },
    linearGrid(c.n * chunks, WG),
  );
  if (chunks === 1) return;
  targets.forEach((partial, k) => {
    sumAxis(backend, partial, c.outputs[k]!, 1, chunks, c.n);
    backend.free(partial.buffer);
  });
}
