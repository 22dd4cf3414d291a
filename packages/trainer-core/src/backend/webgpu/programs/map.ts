/**
 * Element-wise kernels: every output element is a function of the input elements at the same
 * position, inputs read through (broadcast) strides. Each input `x` is loaded as `x_v` (an f32,
 * or for `nz` inputs of any dtype a bool: element != 0); each output is written with its WGSL
 * expression; `inout` operands (in-place updates) are loaded as `<name>_v` and written back.
 * The operands' layouts (flat or strided) are part of the pipeline key.
 */
import { broadcastStrides } from '../../../tensor/shape.js';
import type { TensorInfo } from '../../backend.js';
import type { UniformValues } from '../runtime/uniform-arena.js';
import { entry, linearGrid, linearThread } from '../shader/grid.js';
import { type BindingDecl, f32In, f32Out, type UniformDecl, u32, wordsIn } from '../shader/spec.js';
import { tensorView, type WebGpuBackend } from '../webgpu-backend.js';
import { readers } from './codecs.js';
import { geometryUniforms, operandOffset, STRIDED_WGSL, stridedGeometry } from './strided.js';

const WG = 256;

export interface MapInput {
  readonly name: string;
  readonly info: TensorInfo;
  /** `f32` (default) loads the value; `nz` loads whether the element (of any dtype) is non-zero. */
  readonly read?: 'f32' | 'nz';
}

export interface MapOutput {
  readonly name: string;
  readonly info: TensorInfo;
  /** WGSL f32 expression of the `_v` values, `i` (the linear index) and `u`. */
  readonly expr: string;
}

export interface MapCall {
  /** The variant key (definition plus anything else the expressions depend on). */
  readonly key: string;
  readonly inputs?: readonly MapInput[];
  /** Contiguous tensors read as `<name>_v` and overwritten with `expr`, in place. */
  readonly inouts?: readonly MapOutput[];
  /** Fresh contiguous outputs. */
  readonly outputs?: readonly MapOutput[];
  readonly uniforms?: readonly UniformDecl[];
  readonly values?: UniformValues;
  /** WGSL helpers, and statements run before the writes (may declare more values). */
  readonly helpers?: string;
  readonly body?: string;
}

export function runMap(backend: WebGpuBackend, call: MapCall): void {
  const inputs = call.inputs ?? [];
  const inouts = call.inouts ?? [];
  const outputs = call.outputs ?? [];
  const written = [...inouts, ...outputs];
  const shape = written[0]!.info.shape;
  const n = written[0]!.info.size;
  if (n === 0) return;
  const g = stridedGeometry(
    call.key,
    shape,
    inputs.map((x) => broadcastStrides(x.info.shape, x.info.strides, shape)),
  );
  const dtypes = inputs.filter((x) => x.read === 'nz').map((x) => x.info.dtype);
  const key = `${call.key}|${g.layouts.join(',')}${dtypes.length ? `|${dtypes.join(',')}` : ''}`;
  const program = backend.program(key, () => {
    const bindings: BindingDecl[] = [
      ...inputs.map((x) => (x.read === 'nz' ? wordsIn(x.name, x.info.dtype) : f32In(x.name))),
      ...inouts.map((x) => f32Out(x.name)),
      ...outputs.map((x) => f32Out(x.name)),
    ];
    const loads = [
      ...inputs.map((x, k) => {
        const off = operandOffset(g.layouts[k]!, k + 1);
        return x.read === 'nz'
          ? `let ${x.name}_v = ${x.name}_nz(${off});`
          : `let ${x.name}_v = ${x.name}[u.${x.name}_o + ${off}];`;
      }),
      ...inouts.map((x) => `let ${x.name}_v = ${x.name}[u.${x.name}_o + i];`),
    ];
    const writes = written.map((x) => `${x.name}[u.${x.name}_o + i] = ${x.expr};`);
    return {
      key,
      bindings,
      uniforms: [...geometryUniforms(inputs.length), u32('n'), ...(call.uniforms ?? [])],
      code: /* wgsl */ `${STRIDED_WGSL}
${inputs
  .filter((x) => x.read === 'nz')
  .map((x) => readers(x.name, x.info.dtype))
  .join('\n')}
${call.helpers ?? ''}
${entry(WG)} {
  let i = ${linearThread(WG)};
  if (i >= u.n) { return; }
  ${loads.join('\n  ')}
  ${call.body ?? ''}
  ${writes.join('\n  ')}
}`,
    };
  });
  backend.dispatch(
    program,
    [...inputs, ...inouts, ...outputs].map((x) => tensorView(x.info)),
    { ...call.values, geo: g.geo, rank: g.rank, n },
    linearGrid(n, WG),
  );
}
