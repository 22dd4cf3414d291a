/**
 * Turns a ShaderSpec into WGSL: the uniform struct (array fields first for their 16-byte
 * alignment, then one `<binding>_o` offset per storage binding, then the scalars), the storage
 * declarations and the shared function library. Bindings: 0 is the uniform block (bound with a
 * dynamic offset into the backend's uniform arena), 1.. the storage arrays in order.
 */
import { WGSL_LIB } from './lib.js';
import type { PackPlan } from './pack.js';
import type { BindingDecl, ShaderSpec, UniformDecl } from './spec.js';

export interface UniformField {
  /** Offset in 4-byte words. */
  readonly word: number;
  readonly type: UniformDecl['type'];
  /** vec4u arrays: number of vec4s. */
  readonly count: number;
}

export interface UniformLayout {
  /** Size of the block in bytes (a multiple of 16). */
  readonly bytes: number;
  readonly fields: ReadonlyMap<string, UniformField>;
}

/** Every uniform of a spec: its declared ones plus the offset of each binding. */
function allUniforms(spec: ShaderSpec): UniformDecl[] {
  const arrays = spec.uniforms.filter((f) => f.type === 'vec4u');
  const scalars = spec.uniforms.filter((f) => f.type !== 'vec4u');
  const offsets: UniformDecl[] = spec.bindings.map((b) => ({ name: `${b.name}_o`, type: 'u32' }));
  return [...arrays, ...offsets, ...scalars];
}

export function uniformLayout(spec: ShaderSpec): UniformLayout {
  const fields = new Map<string, UniformField>();
  let word = 0;
  for (const f of allUniforms(spec)) {
    if (fields.has(f.name)) throw new Error(`${spec.key}: uniform ${f.name} is declared twice`);
    const count = f.type === 'vec4u' ? (f.count ?? 1) : 1;
    fields.set(f.name, { word, type: f.type, count });
    word += f.type === 'vec4u' ? 4 * count : 1;
  }
  return { bytes: Math.max(16, Math.ceil((word * 4) / 16) * 16), fields };
}

function uniformStruct(spec: ShaderSpec): string {
  const members = allUniforms(spec).map((f) =>
    f.type === 'vec4u' ? `  ${f.name}: array<vec4u, ${f.count ?? 1}>,` : `  ${f.name}: ${f.type},`,
  );
  return `struct Uniforms {\n${members.join('\n')}\n}\n@group(0) @binding(0) var<uniform> u: Uniforms;`;
}

function storageDecl(b: BindingDecl, index: number): string {
  return `@group(0) @binding(${index + 1}) var<storage, ${b.access}> ${b.name}: array<${b.elem}>;`;
}

/** The WGSL of `spec`; with a pack plan, packed members read and write their group's array. */
export function assembleWgsl(spec: ShaderSpec, pack?: PackPlan): string {
  const bindings = pack ? pack.bindings : spec.bindings;
  let code = spec.code;
  if (pack) {
    for (const [member, group] of pack.renames) code = code.replace(new RegExp(`\\b${member}\\[`, 'g'), `${group}[`);
  }
  const enables = (spec.enables ?? []).map((e) => `enable ${e};`).join('\n');
  return [enables, uniformStruct(spec), ...bindings.map(storageDecl), WGSL_LIB, code].filter(Boolean).join('\n');
}
