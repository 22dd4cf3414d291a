/**
 * What a WGSL kernel declares: its storage bindings, its uniform fields and its code. The
 * assembler (assemble.ts) turns a spec into a shader module with one uniform struct `u` and the
 * storage arrays; every binding `x` gets a uniform `u.x_o`, its element offset, because tensors
 * are views into pooled buffers and are always bound whole (storage offsets would have to be
 * 256-byte aligned).
 */
import { bytesPerElement, type DType } from '../../../tensor/dtype.js';

/** The WGSL element type of a storage array. */
export type StorageElem = 'f32' | 'i32' | 'u32' | 'vec4<f32>' | 'f16' | 'vec4<f16>';

export interface BindingDecl {
  readonly name: string;
  readonly elem: StorageElem;
  readonly access: 'read' | 'read_write';
  /** Bytes per unit of `u.<name>_o` (the tensor's element size; 1 or 2 for packed u8/f16/bf16 data). */
  readonly unitBytes: number;
}

export type UniformScalar = 'u32' | 'i32' | 'f32';

export interface UniformDecl {
  readonly name: string;
  readonly type: UniformScalar | 'vec4u';
  /** vec4u only: the array length (`array<vec4u, count>`). */
  readonly count?: number;
}

export interface ShaderSpec {
  /** The pipeline cache key: the definition's variantKey plus any shape class the code depends on. */
  readonly key: string;
  readonly bindings: readonly BindingDecl[];
  readonly uniforms: readonly UniformDecl[];
  /** Helpers and the entry point `main`, written against `u` and the binding names. */
  readonly code: string;
  /** WGSL extensions the code needs (`enable f16;`), each an optional device feature. */
  readonly enables?: readonly ('f16' | 'subgroups')[];
}

/** A 32-bit float array read by the kernel. */
export function f32In(name: string): BindingDecl {
  return { name, elem: 'f32', access: 'read', unitBytes: 4 };
}

export function f32Out(name: string): BindingDecl {
  return { name, elem: 'f32', access: 'read_write', unitBytes: 4 };
}

export function i32In(name: string): BindingDecl {
  return { name, elem: 'i32', access: 'read', unitBytes: 4 };
}

export function i32Out(name: string): BindingDecl {
  return { name, elem: 'i32', access: 'read_write', unitBytes: 4 };
}

/**
 * Any dtype as raw 32-bit words (`array<u32>`): 16- and 8-bit elements are packed two or four to
 * a word and read with the codecs in lib.ts; `u.<name>_o` counts elements of `dtype`.
 */
export function wordsIn(name: string, dtype: DType): BindingDecl {
  return { name, elem: 'u32', access: 'read', unitBytes: bytesPerElement(dtype) };
}

export function wordsOut(name: string, dtype: DType): BindingDecl {
  return { name, elem: 'u32', access: 'read_write', unitBytes: bytesPerElement(dtype) };
}

export function u32(name: string): UniformDecl {
  return { name, type: 'u32' };
}

export function i32(name: string): UniformDecl {
  return { name, type: 'i32' };
}

export function f32(name: string): UniformDecl {
  return { name, type: 'f32' };
}

export function vec4u(name: string, count: number): UniformDecl {
  return { name, type: 'vec4u', count };
}
