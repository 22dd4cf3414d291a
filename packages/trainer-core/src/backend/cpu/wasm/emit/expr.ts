/**
 * Typed expression trees that emit WebAssembly stack code. Kernels are written as nested calls
 * (`f32x4.add(v128.load(p), x)`) and each tree emits its operands before its opcode, so the
 * generated code reads like the TypeScript that built it. Types are checked while emitting, so a
 * kernel that mixes i32 and f32 fails when the module is built, not with an opaque CompileError.
 */
import type { ByteWriter } from './bytes.js';
import { AtomicOp, Op, SimdOp, type ValType } from './opcodes.js';

export type ExprType = ValType | 'void';

export interface Expr {
  readonly kind: 'expr';
  readonly type: ExprType;
  emit(w: ByteWriter): void;
}

export interface Local {
  readonly kind: 'local';
  readonly index: number;
  readonly type: ValType;
}

/** A value operand: an expression, a local (read with local.get), or a number constant of the expected type. */
export type Val = Expr | Local | number;

export function expr(type: ExprType, emit: (w: ByteWriter) => void): Expr {
  return { kind: 'expr', type, emit };
}

export function emitVal(w: ByteWriter, v: Val, want: ValType): void {
  if (typeof v === 'number') {
    constant(want, v).emit(w);
    return;
  }
  if (v.type !== want) throw new TypeError(`wasm emit: expected a ${want} operand, got ${v.type}`);
  if (v.kind === 'local') w.u8(Op.localGet).uleb(v.index);
  else v.emit(w);
}

function constant(type: ValType, value: number): Expr {
  switch (type) {
    case 'i32':
      return i32.const(value);
    case 'f32':
      return f32.const(value);
    case 'f64':
      return expr('f64', (w) => w.u8(Op.f64Const).f64(value));
    case 'v128':
      return f32x4.splatConst(value);
    default:
      throw new TypeError(`wasm emit: no literal form for ${type}`);
  }
}

/** memarg: alignment hint (log2 bytes) then the constant byte offset added to the address. */
function memarg(w: ByteWriter, alignLog2: number, offset: number): void {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`wasm emit: bad memory offset ${offset}`);
  w.uleb(alignLog2).uleb(offset);
}

function simd(w: ByteWriter, sub: number): ByteWriter {
  return w.u8(Op.prefixSimd).uleb(sub);
}

const unary =
  (type: ValType, opcode: number, result: ValType = type) =>
  (a: Val): Expr =>
    expr(result, (w) => {
      emitVal(w, a, type);
      w.u8(opcode);
    });

const binary =
  (type: ValType, opcode: number, result: ValType = type) =>
  (a: Val, b: Val): Expr =>
    expr(result, (w) => {
      emitVal(w, a, type);
      emitVal(w, b, type);
      w.u8(opcode);
    });

const simdUnary =
  (sub: number, result: ValType = 'v128') =>
  (a: Val): Expr =>
    expr(result, (w) => {
      emitVal(w, a, 'v128');
      simd(w, sub);
    });

const simdBinary =
  (sub: number) =>
  (a: Val, b: Val): Expr =>
    expr('v128', (w) => {
      emitVal(w, a, 'v128');
      emitVal(w, b, 'v128');
      simd(w, sub);
    });

const simdTernary =
  (sub: number) =>
  (a: Val, b: Val, c: Val): Expr =>
    expr('v128', (w) => {
      emitVal(w, a, 'v128');
      emitVal(w, b, 'v128');
      emitVal(w, c, 'v128');
      simd(w, sub);
    });

/** A scalar broadcast to every lane. */
const simdSplat =
  (type: ValType, sub: number) =>
  (a: Val): Expr =>
    expr('v128', (w) => {
      emitVal(w, a, type);
      simd(w, sub);
    });

const simdExtractLane =
  (result: ValType, sub: number) =>
  (a: Val, lane: number): Expr =>
    expr(result, (w) => {
      emitVal(w, a, 'v128');
      simd(w, sub).u8(lane);
    });

const simdLoad =
  (sub: number, alignLog2: number) =>
  (addr: Val, offset = 0): Expr =>
    expr('v128', (w) => {
      emitVal(w, addr, 'i32');
      simd(w, sub);
      memarg(w, alignLog2, offset);
    });

const load =
  (type: ValType, opcode: number, alignLog2: number) =>
  (addr: Val, offset = 0): Expr =>
    expr(type, (w) => {
      emitVal(w, addr, 'i32');
      w.u8(opcode);
      memarg(w, alignLog2, offset);
    });

const store =
  (type: ValType, opcode: number, alignLog2: number) =>
  (addr: Val, value: Val, offset = 0): Expr =>
    expr('void', (w) => {
      emitVal(w, addr, 'i32');
      emitVal(w, value, type);
      w.u8(opcode);
      memarg(w, alignLog2, offset);
    });

export const i32 = {
  const: (value: number): Expr => expr('i32', (w) => w.u8(Op.i32Const).sleb32(value)),
  load: load('i32', Op.i32Load, 2),
  /** One byte, zero-extended. */
  load8U: load('i32', Op.i32Load8U, 0),
  store: store('i32', Op.i32Store, 2),
  add: binary('i32', Op.i32Add),
  sub: binary('i32', Op.i32Sub),
  mul: binary('i32', Op.i32Mul),
  divS: binary('i32', Op.i32DivS),
  divU: binary('i32', Op.i32DivU),
  remU: binary('i32', Op.i32RemU),
  and: binary('i32', Op.i32And),
  or: binary('i32', Op.i32Or),
  xor: binary('i32', Op.i32Xor),
  shl: binary('i32', Op.i32Shl),
  shrS: binary('i32', Op.i32ShrS),
  shrU: binary('i32', Op.i32ShrU),
  eqz: unary('i32', Op.i32Eqz),
  eq: binary('i32', Op.i32Eq),
  ne: binary('i32', Op.i32Ne),
  ltS: binary('i32', Op.i32LtS),
  ltU: binary('i32', Op.i32LtU),
  gtS: binary('i32', Op.i32GtS),
  gtU: binary('i32', Op.i32GtU),
  leS: binary('i32', Op.i32LeS),
  geS: binary('i32', Op.i32GeS),
  geU: binary('i32', Op.i32GeU),
  /** Smaller of two signed values. */
  minS: (a: Val, b: Val): Expr => select('i32', a, b, i32.ltS(a, b)),
  maxS: (a: Val, b: Val): Expr => select('i32', a, b, i32.gtS(a, b)),
  truncF32S: unary('f32', Op.i32TruncF32S, 'i32'),
  reinterpretF32: unary('f32', Op.i32ReinterpretF32, 'i32'),
  /** Atomic fetch-and-add on a shared-memory word; returns the old value. */
  atomicAdd: (addr: Val, value: Val, offset = 0): Expr =>
    expr('i32', (w) => {
      emitVal(w, addr, 'i32');
      emitVal(w, value, 'i32');
      w.u8(Op.prefixAtomic).uleb(AtomicOp.i32RmwAdd);
      memarg(w, 2, offset);
    }),
  atomicStore: (addr: Val, value: Val, offset = 0): Expr =>
    expr('void', (w) => {
      emitVal(w, addr, 'i32');
      emitVal(w, value, 'i32');
      w.u8(Op.prefixAtomic).uleb(AtomicOp.i32Store);
      memarg(w, 2, offset);
    }),
};

export const f32 = {
  const: (value: number): Expr => expr('f32', (w) => w.u8(Op.f32Const).f32(value)),
  load: load('f32', Op.f32Load, 2),
  store: store('f32', Op.f32Store, 2),
  add: binary('f32', Op.f32Add),
  sub: binary('f32', Op.f32Sub),
  mul: binary('f32', Op.f32Mul),
  div: binary('f32', Op.f32Div),
  min: binary('f32', Op.f32Min),
  max: binary('f32', Op.f32Max),
  abs: unary('f32', Op.f32Abs),
  neg: unary('f32', Op.f32Neg),
  sqrt: unary('f32', Op.f32Sqrt),
  floor: unary('f32', Op.f32Floor),
  nearest: unary('f32', Op.f32Nearest),
  eq: binary('f32', Op.f32Eq, 'i32'),
  ne: binary('f32', Op.f32Ne, 'i32'),
  lt: binary('f32', Op.f32Lt, 'i32'),
  gt: binary('f32', Op.f32Gt, 'i32'),
  le: binary('f32', Op.f32Le, 'i32'),
  ge: binary('f32', Op.f32Ge, 'i32'),
  convertI32S: unary('i32', Op.f32ConvertI32S, 'f32'),
  demoteF64: unary('f64', Op.f32DemoteF64, 'f32'),
  reinterpretI32: unary('i32', Op.f32ReinterpretI32, 'f32'),
};

export const f64 = {
  /** 8-byte loads/stores move two f32 values bit-exactly (loads and stores never canonicalise NaNs). */
  load: load('f64', Op.f64Load, 3),
  store: store('f64', Op.f64Store, 3),
  promoteF32: unary('f32', Op.f64PromoteF32, 'f64'),
  convertI32S: unary('i32', Op.f64ConvertI32S, 'f64'),
  add: binary('f64', Op.f64Add),
  mul: binary('f64', Op.f64Mul),
  neg: unary('f64', Op.f64Neg),
};

export const v128 = {
  load: simdLoad(SimdOp.v128Load, 4),
  store: (addr: Val, value: Val, offset = 0): Expr =>
    expr('void', (w) => {
      emitVal(w, addr, 'i32');
      emitVal(w, value, 'v128');
      simd(w, SimdOp.v128Store);
      memarg(w, 4, offset);
    }),
  /** Loads one f32 and broadcasts it to all four lanes (one broadcast load on x64). */
  load32Splat: simdLoad(SimdOp.v128Load32Splat, 2),
  /** Loads one f32 into lane 0, zeroing the others. */
  load32Zero: simdLoad(SimdOp.v128Load32Zero, 2),
  and: simdBinary(SimdOp.v128And),
  or: simdBinary(SimdOp.v128Or),
  xor: simdBinary(SimdOp.v128Xor),
  andNot: simdBinary(SimdOp.v128AndNot),
  not: simdUnary(SimdOp.v128Not),
  anyTrue: simdUnary(SimdOp.v128AnyTrue, 'i32'),
  /** bitselect(a, b, mask): the bits of `a` where the mask bits are set, of `b` elsewhere. */
  bitselect: simdTernary(SimdOp.v128Bitselect),
  /** Byte shuffle of the 32 bytes of (a, b) by 16 lane indices. */
  shuffle: (a: Val, b: Val, lanes: readonly number[]): Expr =>
    expr('v128', (w) => {
      if (lanes.length !== 16 || lanes.some((l) => l < 0 || l > 31)) throw new RangeError('shuffle: 16 lanes in 0..31');
      emitVal(w, a, 'v128');
      emitVal(w, b, 'v128');
      simd(w, SimdOp.i8x16Shuffle).bytes(lanes);
    }),
};
/** Lane shuffle of f32 lanes: indices 0-3 pick from `a`, 4-7 from `b`. */
function laneShuffle(a: Val, b: Val, lanes: [number, number, number, number]): Expr {
  return v128.shuffle(
    a,
    b,
    lanes.flatMap((l) => [l * 4, l * 4 + 1, l * 4 + 2, l * 4 + 3]),
  );
}

export const f32x4 = {
  splat: simdSplat('f32', SimdOp.f32x4Splat),
  splatConst: (value: number): Expr =>
    expr('v128', (w) => {
      simd(w, SimdOp.v128Const);
      for (let i = 0; i < 4; i++) w.f32(value);
    }),
  extractLane: simdExtractLane('f32', SimdOp.f32x4ExtractLane),
  replaceLane: (a: Val, lane: number, value: Val): Expr =>
    expr('v128', (w) => {
      emitVal(w, a, 'v128');
      emitVal(w, value, 'f32');
      simd(w, SimdOp.f32x4ReplaceLane).u8(lane);
    }),
  add: simdBinary(SimdOp.f32x4Add),
  sub: simdBinary(SimdOp.f32x4Sub),
  mul: simdBinary(SimdOp.f32x4Mul),
  div: simdBinary(SimdOp.f32x4Div),
  /** IEEE min/max (NaN-propagating); pmin/pmax are cheaper on x64 and fine for finite data. */
  min: simdBinary(SimdOp.f32x4Min),
  max: simdBinary(SimdOp.f32x4Max),
  pmin: simdBinary(SimdOp.f32x4Pmin),
  pmax: simdBinary(SimdOp.f32x4Pmax),
  abs: simdUnary(SimdOp.f32x4Abs),
  neg: simdUnary(SimdOp.f32x4Neg),
  sqrt: simdUnary(SimdOp.f32x4Sqrt),
  floor: simdUnary(SimdOp.f32x4Floor),
  nearest: simdUnary(SimdOp.f32x4Nearest),
  eq: simdBinary(SimdOp.f32x4Eq),
  ne: simdBinary(SimdOp.f32x4Ne),
  lt: simdBinary(SimdOp.f32x4Lt),
  gt: simdBinary(SimdOp.f32x4Gt),
  le: simdBinary(SimdOp.f32x4Le),
  ge: simdBinary(SimdOp.f32x4Ge),
  convertI32x4S: simdUnary(SimdOp.f32x4ConvertI32x4S),
  /** a*b + c as one fused instruction (relaxed SIMD; needs the V8 flag). */
  relaxedMadd: simdTernary(SimdOp.f32x4RelaxedMadd),
  /** Sum of the four lanes of a local (lane extracts; used once per row, never in inner loops). */
  hsum: (a: Local): Expr =>
    f32.add(
      f32.add(f32x4.extractLane(a, 0), f32x4.extractLane(a, 1)),
      f32.add(f32x4.extractLane(a, 2), f32x4.extractLane(a, 3)),
    ),
  laneShuffle,
};

export const i32x4 = {
  splat: simdSplat('i32', SimdOp.i32x4Splat),
  extractLane: simdExtractLane('i32', SimdOp.i32x4ExtractLane),
  add: simdBinary(SimdOp.i32x4Add),
  sub: simdBinary(SimdOp.i32x4Sub),
  eq: simdBinary(SimdOp.i32x4Eq),
  gtS: simdBinary(SimdOp.i32x4GtS),
  ltS: simdBinary(SimdOp.i32x4LtS),
  shl: (a: Val, bits: Val): Expr =>
    expr('v128', (w) => {
      emitVal(w, a, 'v128');
      emitVal(w, bits, 'i32');
      simd(w, SimdOp.i32x4Shl);
    }),
  truncSatF32x4S: simdUnary(SimdOp.i32x4TruncSatF32x4S),
};

export function select(type: ValType, ifTrue: Val, ifFalse: Val, cond: Val): Expr {
  return expr(type, (w) => {
    emitVal(w, ifTrue, type);
    emitVal(w, ifFalse, type);
    emitVal(w, cond, 'i32');
    w.u8(Op.select);
  });
}

export function get(l: Local): Expr {
  return expr(l.type, (w) => w.u8(Op.localGet).uleb(l.index));
}
