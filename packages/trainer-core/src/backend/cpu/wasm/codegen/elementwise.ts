/**
 * Element-wise kernels over contiguous f32 arrays: each is a vector body (f32x4 in, f32x4 out)
 * that `emitMap` wraps in the chunked parallel loop, with a tail of 1-3 elements handled by
 * gathering it into a vector (so the tail runs the same math and never touches memory past n).
 */
import { f32, f32x4, i32, type Local, v128 } from '../emit/expr.js';
import { call, type FuncRef, type FunctionBuilder } from '../emit/function-builder.js';
import type { ModuleBuilder } from '../emit/module-builder.js';
import type { KernelEnv } from './kernel-env.js';
import { forEachChunk } from './parallel.js';
import { vecExp } from './vmath.js';

/** Elements per claimed chunk: ~30-100 us of work, against ~1 us to claim one. */
export const MAP_CHUNK = 16384;

interface TailFns {
  load: FuncRef;
  store: FuncRef;
}

interface MapSpec<P extends string, S extends string> {
  name: string;
  /** Pointer parameters, in parameter order. */
  pointers: readonly P[];
  reads: readonly P[];
  writes: readonly P[];
  /** f32 scalar parameters after n (each also available splatted). */
  scalars: readonly S[];
  /** Sets every `writes` vector from the `reads` vectors. */
  body(f: FunctionBuilder, ins: Record<P, Local>, scalars: Record<S, Local>, outs: Record<P, Local>): void;
}

/** Exports `name(pointers..., n, scalars..., counter, tid)`. */
function emitMap<P extends string, S extends string>(mod: ModuleBuilder, tail: TailFns, spec: MapSpec<P, S>): void {
  const params = [...spec.pointers, 'n', ...spec.scalars, 'counter', 'tid'] as const;
  mod.function(
    spec.name,
    params.map((p) => ((spec.scalars as readonly string[]).includes(p) ? 'f32' : 'i32')),
    undefined,
    (f) => {
      const p = f.named(params) as Record<string, Local>;
      const vec = (names: readonly string[]) =>
        Object.fromEntries(names.map((name) => [name, f.local('v128')])) as Record<string, Local>;
      const ins = vec(spec.reads);
      const outs = vec(spec.writes);
      const scalars = vec(spec.scalars);
      for (const s of spec.scalars) f.set(scalars[s]!, f32x4.splat(p[s]!));
      const [i, vecEnd, byte] = f.locals('i32', 3);
      forEachChunk(f, p.counter!, p.n!, MAP_CHUNK, (start, end) => {
        f.set(vecEnd, i32.sub(end, i32.and(i32.sub(end, start), 3)));
        f.forRange(i, start, vecEnd, 4, () => {
          f.set(byte, i32.shl(i, 2));
          for (const r of spec.reads) f.set(ins[r]!, v128.load(i32.add(p[r]!, byte)));
          spec.body(f, ins as Record<P, Local>, scalars as Record<S, Local>, outs as Record<P, Local>);
          for (const w of spec.writes) f.do(v128.store(i32.add(p[w]!, byte), outs[w]!));
        });
        f.if(i32.ltS(vecEnd, end), () => {
          f.set(byte, i32.shl(vecEnd, 2));
          const count = i32.sub(end, vecEnd);
          for (const r of spec.reads) f.set(ins[r]!, call(tail.load, [i32.add(p[r]!, byte), count]));
          spec.body(f, ins as Record<P, Local>, scalars as Record<S, Local>, outs as Record<P, Local>);
          for (const w of spec.writes) f.do(call(tail.store, [i32.add(p[w]!, byte), outs[w]!, count]));
        });
      });
    },
  );
}

/** tail_load(ptr, count): the first count (< 4) floats at ptr, zeros after; tail_store writes them back. */
export function emitTailFns(mod: ModuleBuilder): TailFns {
  const load = mod.function(
    'tail_load',
    ['i32', 'i32'],
    'v128',
    (f) => {
      const { ptr, count } = f.named(['ptr', 'count'] as const);
      const v = f.local('v128');
      f.set(v, f32x4.splatConst(0));
      for (let lane = 0; lane < 3; lane++) {
        f.if(i32.gtS(count, lane), () => f.set(v, f32x4.replaceLane(v, lane, f32.load(ptr, lane * 4))));
      }
      f.ret(v);
    },
    false,
  );
  const store = mod.function(
    'tail_store',
    ['i32', 'v128', 'i32'],
    undefined,
    (f) => {
      const { ptr, v, count } = f.named(['ptr', 'v', 'count'] as const);
      for (let lane = 0; lane < 3; lane++) {
        f.if(i32.gtS(count, lane), () => f.do(f32.store(ptr, f32x4.extractLane(v, lane), lane * 4)));
      }
    },
    false,
  );
  return { load, store };
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_C = 0.044715;

export function emitElementwise(mod: ModuleBuilder, env: KernelEnv, tail: TailFns): void {
  const ops = { add: f32x4.add, sub: f32x4.sub, mul: f32x4.mul, div: f32x4.div } as const;
  for (const [op, fn] of Object.entries(ops)) {
    emitMap(mod, tail, {
      name: `ew_${op}`,
      pointers: ['a', 'b', 'out'],
      reads: ['a', 'b'],
      writes: ['out'],
      scalars: [],
      body: (f, x, _s, o) => f.set(o.out, fn(x.a, x.b)),
    });
  }
  emitMap(mod, tail, {
    name: 'add_in_place',
    pointers: ['dst', 'src'],
    reads: ['dst', 'src'],
    writes: ['dst'],
    scalars: ['alpha'],
    body: (f, x, s, o) => f.set(o.dst, env.madd(x.src, s.alpha, x.dst)),
  });

  // SwiGLU: silu(g) * u = g u / (1 + e^-g).
  emitMap(mod, tail, {
    name: 'gated_silu',
    pointers: ['gate', 'up', 'out'],
    reads: ['gate', 'up'],
    writes: ['out'],
    scalars: [],
    body: (f, x, _s, o) => {
      vecExp(f, env).into(o.out, f32x4.neg(x.gate));
      f.set(o.out, f32x4.div(f32x4.mul(x.gate, x.up), f32x4.add(o.out, 1)));
    },
  });
  // s = sigmoid(g): dup = dy g s, dgate = dy u (s + g s (1 - s)).
  emitMap(mod, tail, {
    name: 'gated_silu_grad',
    pointers: ['gate', 'up', 'dy', 'dgate', 'dup'],
    reads: ['gate', 'up', 'dy'],
    writes: ['dgate', 'dup'],
    scalars: [],
    body: (f, x, _s, o) => {
      const s = o.dgate;
      vecExp(f, env).into(s, f32x4.neg(x.gate));
      f.set(s, f32x4.div(f32x4.splatConst(1), f32x4.add(s, 1)));
      const gs = f.local('v128');
      f.set(gs, f32x4.mul(x.gate, s));
      f.set(o.dup, f32x4.mul(x.dy, gs));
      f.set(o.dgate, f32x4.mul(f32x4.mul(x.dy, x.up), env.madd(gs, f32x4.sub(f32x4.splatConst(1), s), s)));
    },
  });
  // GeGLU (tanh approximation): t = tanh(c (g + 0.044715 g^3)), gelu = g (1 + t) / 2.
  const tanhInner = (f: FunctionBuilder, g: Local, t: Local) => {
    const z = f32x4.mul(f32x4.mul(g, SQRT_2_OVER_PI), env.madd(f32x4.mul(g, g), GELU_C, f32x4.splatConst(1)));
    // tanh z = 1 - 2 / (e^{2z} + 1): saturates cleanly to +-1 as e^{2z} over/underflows.
    vecExp(f, env).into(t, f32x4.mul(z, 2));
    f.set(t, f32x4.sub(f32x4.splatConst(1), f32x4.div(f32x4.splatConst(2), f32x4.add(t, 1))));
  };
  emitMap(mod, tail, {
    name: 'gated_gelu',
    pointers: ['gate', 'up', 'out'],
    reads: ['gate', 'up'],
    writes: ['out'],
    scalars: [],
    body: (f, x, _s, o) => {
      tanhInner(f, x.gate, o.out);
      f.set(o.out, f32x4.mul(f32x4.mul(f32x4.mul(x.gate, 0.5), f32x4.add(o.out, 1)), x.up));
    },
  });
  // gelu'(g) = (1 + t) / 2 + g (1 - t^2) c (1 + 3 * 0.044715 g^2) / 2.
  emitMap(mod, tail, {
    name: 'gated_gelu_grad',
    pointers: ['gate', 'up', 'dy', 'dgate', 'dup'],
    reads: ['gate', 'up', 'dy'],
    writes: ['dgate', 'dup'],
    scalars: [],
    body: (f, x, _s, o) => {
      const t = f.local('v128');
      tanhInner(f, x.gate, t);
      f.set(o.dup, f32x4.mul(x.dy, f32x4.mul(f32x4.mul(x.gate, 0.5), f32x4.add(t, 1))));
      const slope = f32x4.mul(
        f32x4.mul(f32x4.mul(x.gate, 0.5 * SQRT_2_OVER_PI), f32x4.sub(f32x4.splatConst(1), f32x4.mul(t, t))),
        env.madd(f32x4.mul(x.gate, x.gate), 3 * GELU_C, f32x4.splatConst(1)),
      );
      f.set(o.dgate, f32x4.mul(f32x4.mul(x.dy, x.up), env.madd(f32x4.add(t, 1), 0.5, slope)));
    },
  });

  // torch AdamW: p = p * decay - stepSize * m / (sqrt(v) / bc2Sqrt + eps), after the moment updates.
  emitMap(mod, tail, {
    name: 'adamw',
    pointers: ['p', 'g', 'm', 'v'],
    reads: ['p', 'g', 'm', 'v'],
    writes: ['p', 'm', 'v'],
    scalars: ['decay', 'stepSize', 'invBc2Sqrt', 'beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'eps'],
    body: (f, x, s, o) => {
      f.set(o.m, env.madd(x.m, s.beta1, f32x4.mul(x.g, s.oneMinusBeta1)));
      f.set(o.v, env.madd(x.v, s.beta2, f32x4.mul(f32x4.mul(x.g, x.g), s.oneMinusBeta2)));
      const denom = env.madd(f32x4.sqrt(o.v), s.invBc2Sqrt, s.eps);
      f.set(o.p, f32x4.sub(f32x4.mul(x.p, s.decay), f32x4.div(f32x4.mul(o.m, s.stepSize), denom)));
    },
  });
}
