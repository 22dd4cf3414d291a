/**
 * Assembles a WebAssembly module: imported shared memory, imported host functions, and the
 * functions built with FunctionBuilder, exported by name.
 */
import { ByteWriter } from './bytes.js';
import { type FuncRef, FunctionBuilder } from './function-builder.js';
import { type ValType, ValTypeCode } from './opcodes.js';

interface MemoryImport {
  module: string;
  name: string;
  minPages: number;
  maxPages: number;
  shared: boolean;
}

interface FunctionImport {
  module: string;
  name: string;
  type: number;
}

const SECTION = { type: 1, import: 2, function: 3, export: 7, code: 10 } as const;

export class ModuleBuilder {
  private readonly types: string[] = [];
  private readonly typeSigs: { params: readonly ValType[]; result: ValType | undefined }[] = [];
  private memory: MemoryImport | undefined;
  private readonly funcImports: FunctionImport[] = [];
  private readonly funcs: { ref: FuncRef; type: number; builder: FunctionBuilder | undefined; exported: boolean }[] =
    [];

  importMemory(module: string, name: string, opts: { minPages: number; maxPages: number; shared: boolean }): void {
    this.memory = { module, name, ...opts };
  }

  importFunction(module: string, name: string, params: readonly ValType[], result?: ValType): FuncRef {
    if (this.funcs.length) throw new Error('wasm emit: import functions before defining any');
    this.funcImports.push({ module, name, type: this.typeIndex(params, result) });
    return { index: this.funcImports.length - 1, name: `${module}.${name}`, params, result };
  }

  /** Declares a function (so others can call it) whose body is built later with `define`. */
  declare(name: string, params: readonly ValType[], result?: ValType, exported = true): FuncRef {
    if (this.funcs.some((f) => f.ref.name === name)) throw new Error(`wasm emit: duplicate function ${name}`);
    const ref: FuncRef = { index: this.funcImports.length + this.funcs.length, name, params, result };
    this.funcs.push({ ref, type: this.typeIndex(params, result), builder: undefined, exported });
    return ref;
  }

  define(ref: FuncRef, build: (f: FunctionBuilder) => void): FuncRef {
    const entry = this.funcs.find((f) => f.ref === ref);
    if (!entry) throw new Error(`wasm emit: ${ref.name} was not declared in this module`);
    const builder = new FunctionBuilder(ref);
    build(builder);
    entry.builder = builder;
    return ref;
  }

  function(
    name: string,
    params: readonly ValType[],
    result: ValType | undefined,
    build: (f: FunctionBuilder) => void,
    exported = true,
  ): FuncRef {
    return this.define(this.declare(name, params, result, exported), build);
  }

  encode(): Uint8Array {
    const out = new ByteWriter().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    this.section(out, SECTION.type, (s) => {
      s.uleb(this.typeSigs.length);
      for (const sig of this.typeSigs) {
        s.u8(0x60).uleb(sig.params.length);
        for (const p of sig.params) s.u8(ValTypeCode[p]);
        if (sig.result) s.uleb(1).u8(ValTypeCode[sig.result]);
        else s.uleb(0);
      }
    });
    this.section(out, SECTION.import, (s) => {
      s.uleb(this.funcImports.length + (this.memory ? 1 : 0));
      for (const f of this.funcImports) s.name(f.module).name(f.name).u8(0x00).uleb(f.type);
      const m = this.memory;
      if (m)
        s.name(m.module)
          .name(m.name)
          .u8(0x02)
          .u8(m.shared ? 0x03 : 0x01)
          .uleb(m.minPages)
          .uleb(m.maxPages);
    });
    this.section(out, SECTION.function, (s) => {
      s.uleb(this.funcs.length);
      for (const f of this.funcs) s.uleb(f.type);
    });
    this.section(out, SECTION.export, (s) => {
      const exported = this.funcs.filter((f) => f.exported);
      s.uleb(exported.length);
      for (const f of exported) s.name(f.ref.name).u8(0x00).uleb(f.ref.index);
    });
    this.section(out, SECTION.code, (s) => {
      s.uleb(this.funcs.length);
      for (const f of this.funcs) {
        if (!f.builder) throw new Error(`wasm emit: ${f.ref.name} was declared but never defined`);
        s.sized(f.builder.encode());
      }
    });
    return out.finish();
  }

  private section(out: ByteWriter, id: number, write: (s: ByteWriter) => void): void {
    const s = new ByteWriter();
    write(s);
    out.u8(id).sized(s);
  }

  private typeIndex(params: readonly ValType[], result: ValType | undefined): number {
    const key = `${params.join(',')}->${result ?? ''}`;
    let index = this.types.indexOf(key);
    if (index < 0) {
      index = this.types.push(key) - 1;
      this.typeSigs.push({ params, result });
    }
    return index;
  }
}
