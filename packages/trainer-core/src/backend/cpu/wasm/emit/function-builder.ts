/**
 * Builds one function body: locals, statements and structured control flow. Statements are
 * written straight into the body as they are called, so a kernel generator is ordinary
 * TypeScript control flow (loops over unrolled registers, ifs on compile-time options) around
 * calls that emit the runtime code.
 */
import { ByteWriter } from './bytes.js';
import { type Expr, emitVal, expr, i32, type Local, type Val } from './expr.js';
import { BLOCK_VOID, Op, type ValType, ValTypeCode } from './opcodes.js';

export interface FuncRef {
  readonly index: number;
  readonly name: string;
  readonly params: readonly ValType[];
  readonly result: ValType | undefined;
}

/** A branch target; `br` to a block exits it, `br` to a loop jumps back to its top. */
export interface Label {
  readonly depth: number;
}

export function call(fn: FuncRef, args: readonly Val[]): Expr {
  if (args.length !== fn.params.length) {
    throw new TypeError(`wasm emit: ${fn.name} takes ${fn.params.length} arguments, got ${args.length}`);
  }
  return expr(fn.result ?? 'void', (w) => {
    args.forEach((a, i) => {
      emitVal(w, a, fn.params[i]!);
    });
    w.u8(Op.call).uleb(fn.index);
  });
}

/** A fixed-length tuple type for a literal N (so destructured locals need no assertions), else an array. */
export type Tuple<T, N extends number> = number extends N ? T[] : TupleOf<T, N, []>;
type TupleOf<T, N extends number, R extends T[]> = R['length'] extends N ? R : TupleOf<T, N, [T, ...R]>;

export class FunctionBuilder {
  readonly params: readonly Local[];
  private readonly localTypes: ValType[] = [];
  private readonly body = new ByteWriter();
  private depth = 0;

  constructor(readonly ref: FuncRef) {
    this.params = ref.params.map((type, index) => ({ kind: 'local', index, type }));
  }

  param(index: number): Local {
    const p = this.params[index];
    if (!p) throw new RangeError(`wasm emit: ${this.ref.name} has no parameter ${index}`);
    return p;
  }

  /** The parameters by name (names in parameter order; their count must match). */
  named<const N extends readonly string[]>(names: N): Record<N[number], Local> {
    if (names.length !== this.params.length) {
      throw new TypeError(`wasm emit: ${this.ref.name} has ${this.params.length} parameters, named ${names.length}`);
    }
    return Object.fromEntries(names.map((name, i) => [name, this.params[i]])) as Record<N[number], Local>;
  }

  /** `n` new locals of one type. */
  locals<N extends number>(type: ValType, n: N): Tuple<Local, N> {
    return Array.from({ length: n }, () => this.local(type)) as Tuple<Local, N>;
  }

  local(type: ValType): Local {
    this.localTypes.push(type);
    return { kind: 'local', index: this.params.length + this.localTypes.length - 1, type };
  }

  /** Runs an expression for its effect (drops a value result). */
  do(e: Expr): void {
    e.emit(this.body);
    if (e.type !== 'void') this.body.u8(Op.drop);
  }

  set(l: Local, v: Val): void {
    emitVal(this.body, v, l.type);
    this.body.u8(Op.localSet).uleb(l.index);
  }

  /** Sets a local and yields the value (local.tee). */
  tee(l: Local, v: Val): Expr {
    return expr(l.type, (w) => {
      emitVal(w, v, l.type);
      w.u8(Op.localTee).uleb(l.index);
    });
  }

  /** l += v for an i32 local. */
  inc(l: Local, v: Val): void {
    this.set(l, i32.add(l, v));
  }

  block(build: (exit: Label) => void): void {
    this.structured(Op.block, build);
  }

  loop(build: (top: Label) => void): void {
    this.structured(Op.loop, build);
  }

  br(label: Label): void {
    this.body.u8(Op.br).uleb(this.relative(label));
  }

  brIf(label: Label, cond: Val): void {
    emitVal(this.body, cond, 'i32');
    this.body.u8(Op.brIf).uleb(this.relative(label));
  }

  if(cond: Val, then: () => void, otherwise?: () => void): void {
    emitVal(this.body, cond, 'i32');
    this.body.u8(Op.if).u8(BLOCK_VOID);
    this.depth++;
    then();
    if (otherwise) {
      this.body.u8(Op.else);
      otherwise();
    }
    this.depth--;
    this.body.u8(Op.end);
  }

  /** for (i = start; i < end; i += step) body(), with the test at the bottom (one branch per iteration). */
  forRange(i: Local, start: Val, end: Val, step: Val, body: () => void): void {
    this.set(i, start);
    this.if(i32.ltS(i, end), () => {
      this.loop((top) => {
        body();
        this.inc(i, step);
        this.brIf(top, i32.ltS(i, end));
      });
    });
  }

  /** Runs body while cond holds, testing before each iteration. */
  while(cond: () => Val, body: () => void): void {
    this.block((exit) => {
      this.loop((top) => {
        this.brIf(exit, i32.eqz(cond()));
        body();
        this.br(top);
      });
    });
  }

  ret(v?: Val): void {
    if (v !== undefined) {
      if (!this.ref.result) throw new TypeError(`wasm emit: ${this.ref.name} returns nothing`);
      emitVal(this.body, v, this.ref.result);
    }
    this.body.u8(Op.return);
  }

  /** The code-section entry: local declarations (run-length by type), body, end. */
  encode(): ByteWriter {
    if (this.depth !== 0) throw new Error(`wasm emit: ${this.ref.name} has unclosed blocks`);
    const out = new ByteWriter();
    const runs: [ValType, number][] = [];
    for (const t of this.localTypes) {
      const last = runs[runs.length - 1];
      if (last && last[0] === t) last[1]++;
      else runs.push([t, 1]);
    }
    out.uleb(runs.length);
    for (const [t, n] of runs) out.uleb(n).u8(ValTypeCode[t]);
    out.bytes(this.body.finish()).u8(Op.end);
    return out;
  }

  private structured(opcode: number, build: (label: Label) => void): void {
    this.body.u8(opcode).u8(BLOCK_VOID);
    this.depth++;
    build({ depth: this.depth });
    this.depth--;
    this.body.u8(Op.end);
  }

  private relative(label: Label): number {
    const rel = this.depth - label.depth;
    if (rel < 0) throw new Error(`wasm emit: branch to a label outside its block in ${this.ref.name}`);
    return rel;
  }
}
