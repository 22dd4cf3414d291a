/**
 * Types for the WebAssembly JS API, which Node provides but @types/node does not declare
 * (TypeScript only ships them in lib.dom). Declared in a .ts module, not a .d.ts, so the
 * declarations travel with the build output to every package that uses trainer-core's types.
 */
declare global {
  namespace WebAssembly {
    type BufferSource = ArrayBufferView | ArrayBuffer;
    interface MemoryDescriptor {
      initial: number;
      maximum?: number;
      shared?: boolean;
    }
    class Memory {
      constructor(descriptor: MemoryDescriptor);
      readonly buffer: ArrayBuffer | SharedArrayBuffer;
      grow(deltaPages: number): number;
    }
    class Module {
      constructor(bytes: BufferSource);
      static exports(module: Module): { name: string; kind: string }[];
      static imports(module: Module): { module: string; name: string; kind: string }[];
    }
    class Instance {
      constructor(module: Module, imports?: Imports);
      readonly exports: Exports;
    }
    class CompileError extends Error {}
    class LinkError extends Error {}
    class RuntimeError extends Error {}
    type ImportValue = Memory | ((...args: never[]) => unknown) | number | Global;
    type Imports = Record<string, Record<string, ImportValue>>;
    type Exports = Record<string, unknown>;
    class Global {
      constructor(descriptor: { value: 'i32' | 'i64' | 'f32' | 'f64'; mutable?: boolean }, value?: number);
      value: number;
    }
    interface WebAssemblyInstantiatedSource {
      module: Module;
      instance: Instance;
    }
    function validate(bytes: BufferSource): boolean;
    function compile(bytes: BufferSource): Promise<Module>;
    function instantiate(bytes: BufferSource, imports?: Imports): Promise<WebAssemblyInstantiatedSource>;
    function instantiate(module: Module, imports?: Imports): Promise<Instance>;
  }
}

export {};
