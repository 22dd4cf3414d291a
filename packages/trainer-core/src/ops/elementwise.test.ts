import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { f16BitsToF32, f32ToF16Bits } from '../tensor/half.js';
import { tidy } from '../tensor/scope.js';
import { tensor } from './create.js';
import {
  add,
  affine,
  cast,
  div,
  dropout,
  exp,
  geglu,
  gelu,
  log,
  maskedFill,
  mul,
  neg,
  relu,
  sigmoid,
  silu,
  sqrt,
  square,
  sub,
  swiglu,
  tanh,
  where,
} from './elementwise.js';
import { sum } from './reduce.js';
import { transpose } from './shape-ops.js';
import { expectClose, gradcheck, uniformInit } from './test-utils/gradcheck.js';

describe('binary ops with broadcasting', () => {
  it('adds, subtracts, multiplies and divides with NumPy broadcasting', () => {
    tidy(() => {
      const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = tensor([10, 20, 30], [3]);
      const c = tensor([2, 4], [2, 1]);
      expect(add(a, b).toArray()).toEqual([11, 22, 33, 14, 25, 36]);
      expect(sub(a, c).toArray()).toEqual([-1, 0, 1, 0, 1, 2]);
      expect(mul(a, c).toArray()).toEqual([2, 4, 6, 16, 20, 24]);
      expect(div(b, c).shape).toEqual([2, 3]);
      expect(div(b, c).toArray()).toEqual([5, 10, 15, 2.5, 5, 7.5]);
      expect(add(a, 1).toArray()).toEqual([2, 3, 4, 5, 6, 7]);
      expect(mul(a, -2).toArray()).toEqual([-2, -4, -6, -8, -10, -12]);
    });
  });

  it('reads strided views (a transposed operand) without copying first', () => {
    tidy(() => {
      const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const at = transpose(a);
      const b = tensor([1, 1, 1, 1, 1, 1], [3, 2]);
      expect(add(at, b).toArray()).toEqual([2, 5, 3, 6, 4, 7]);
    });
  });

  it('rejects shapes that do not broadcast and mixed dtypes', () => {
    tidy(() => {
      expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(/do not broadcast/);
      expect(() => add(tensor([1, 2]), tensor(new Float64Array([1, 2])))).toThrow(/dtypes differ/);
    });
  });

  const shapes: [number[], number[]][] = [
    [
      [3, 5],
      [3, 5],
    ],
    [[2, 3, 5], [5]],
    [
      [4, 1, 3],
      [1, 7, 3],
    ],
    [[], [3, 2]],
    [[5, 1], [1]],
  ];
  for (const [sa, sb] of shapes) {
    it(`differentiates add/sub/mul/div for ${JSON.stringify(sa)} and ${JSON.stringify(sb)}`, () => {
      gradcheck({ shapes: [sa, sb], f: ([a, b]) => add(a!, b!) });
      gradcheck({ shapes: [sa, sb], f: ([a, b]) => sub(a!, b!) });
      gradcheck({ shapes: [sa, sb], f: ([a, b]) => mul(a!, b!) });
      gradcheck({ shapes: [sa, sb], f: ([a, b]) => div(a!, b!), init: uniformInit(0.5, 2) });
    });
  }

  it('differentiates through a transposed view', () => {
    gradcheck({
      shapes: [
        [3, 4],
        [4, 3],
      ],
      f: ([a, b]) => mul(transpose(a!), b!),
    });
  });

  it('differentiates the same tensor used twice (x * x)', () => {
    gradcheck({ shapes: [[7]], f: ([a]) => mul(a!, a!) });
  });
});

describe('unary ops', () => {
  const xs = [-3, -1.5, -0.2, 0.3, 1, 2.5];
  const reference: Record<string, (x: number) => number> = {
    neg: (x) => -x,
    exp: Math.exp,
    tanh: Math.tanh,
    sigmoid: (x) => 1 / (1 + Math.exp(-x)),
    silu: (x) => x / (1 + Math.exp(-x)),
    gelu: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
    relu: (x) => Math.max(x, 0),
    square: (x) => x * x,
  };
  const fns = { neg, exp, tanh, sigmoid, silu, gelu, relu, square };
  for (const [name, fn] of Object.entries(fns)) {
    it(`${name} matches its formula and its finite-difference gradient`, () => {
      tidy(() => {
        const y = fn(tensor(new Float64Array(xs), [6], 'f64'));
        expectClose(y.toArray(), xs.map(reference[name]!), 1e-12, name);
      });
      gradcheck({ shapes: [[3, 7]], f: ([x]) => fn(x!), seed: 3 });
    });
  }

  it('gelu uses the tanh approximation (gelu_pytorch_tanh), not the erf form', () => {
    // torch.nn.functional.gelu(torch.tensor(1.0), approximate='tanh') = 0.8411920071
    tidy(() => expectClose(gelu(tensor(new Float64Array([1]), [1], 'f64')).toArray(), [0.8411919906082768], 1e-12));
  });

  it('log and sqrt (positive inputs)', () => {
    tidy(() => {
      expectClose(log(tensor([1, Math.E])).toArray(), [0, 1], 1e-6);
      expectClose(sqrt(tensor([4, 9])).toArray(), [2, 3], 1e-6);
    });
    gradcheck({ shapes: [[11]], f: ([x]) => log(x!), init: uniformInit(0.5, 3) });
    gradcheck({ shapes: [[11]], f: ([x]) => sqrt(x!), init: uniformInit(0.5, 3) });
  });

  it('sigmoid is stable for large magnitudes', () => {
    tidy(() => {
      const y = sigmoid(tensor([-1000, 1000])).toArray();
      expect(y).toEqual([0, 1]);
      expect(silu(tensor([-1000])).toArray()[0]).toBeCloseTo(0, 10);
    });
  });

  it('affine scales and shifts', () => {
    tidy(() => expect(affine(tensor([1, 2]), 3, 1).toArray()).toEqual([4, 7]));
    gradcheck({ shapes: [[5]], f: ([x]) => affine(x!, -1.5, 2) });
  });
});

describe('gated activations (fused SwiGLU / GeGLU)', () => {
  it('swiglu equals silu(gate) * up and geglu equals gelu(gate) * up', () => {
    tidy(() => {
      const g = tensor(new Float64Array([-2, -0.5, 0.1, 1.7]), [4], 'f64');
      const u = tensor(new Float64Array([0.3, -1, 2, 0.5]), [4], 'f64');
      expectClose(swiglu(g, u).toArray(), mul(silu(g), u).toArray(), 1e-14);
      expectClose(geglu(g, u).toArray(), mul(gelu(g), u).toArray(), 1e-14);
    });
  });

  it('differentiates both inputs', () => {
    gradcheck({
      shapes: [
        [3, 9],
        [3, 9],
      ],
      f: ([g, u]) => swiglu(g!, u!),
    });
    gradcheck({
      shapes: [
        [3, 9],
        [3, 9],
      ],
      f: ([g, u]) => geglu(g!, u!),
    });
  });
});

describe('where and maskedFill', () => {
  it('selects with a broadcast condition', () => {
    tidy(() => {
      const cond = tensor(new Int32Array([1, 0, 1]), [3], 'i32');
      const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = tensor([-1], [1]);
      expect(where(cond, a, b).toArray()).toEqual([1, -1, 3, 4, -1, 6]);
      expect(maskedFill(a, tensor(new Uint8Array([0, 1, 0]), [3], 'u8'), -9).toArray()).toEqual([1, -9, 3, 4, -9, 6]);
    });
  });

  it('sends gradients to the selected side only, summed over broadcasts', () => {
    const cond = tensor(new Int32Array([1, 0, 0, 1, 1]), [5], 'i32');
    gradcheck({
      shapes: [
        [3, 5],
        [1, 5],
      ],
      f: ([a, b]) => where(cond, a!, b!),
    });
    cond.dispose();
  });

  it('maskedFill sends no gradient to the filled positions', () => {
    const mask = tensor(new Uint8Array([0, 1, 1, 0]), [4, 1], 'u8');
    gradcheck({ shapes: [[4, 3]], f: ([x]) => maskedFill(x!, mask, -2.5) });
    mask.dispose();
  });
});

describe('dropout', () => {
  it('is seeded, keeps about 1 - p, scales kept values by 1 / (1 - p)', () => {
    tidy(() => {
      const x = tensor(new Float32Array(20000).fill(1), [20000]);
      const y1 = dropout(x, 0.25, new Rng(5)).dataSync();
      const y2 = dropout(x, 0.25, new Rng(5)).dataSync();
      expect(Array.from(y1)).toEqual(Array.from(y2));
      let kept = 0;
      for (const v of y1) {
        if (v !== 0) {
          kept++;
          expect(v).toBeCloseTo(1 / 0.75, 6);
        }
      }
      // Binomial(20000, 0.75): sd ~ 61; allow 5 sd.
      expect(Math.abs(kept - 15000)).toBeLessThan(310);
      expect(dropout(x, 0, new Rng(1))).toBe(x);
    });
  });

  it('differentiates (central differences in f64): the seeded mask is fixed, kept values scaled by 1 / (1 - p)', () => {
    // A fresh generator per call gives every evaluation (f64, f32, each perturbation) the same mask.
    gradcheck({ shapes: [[4, 9]], f: ([x]) => dropout(x!, 0.3, new Rng(11)) });
    gradcheck({ shapes: [[2, 3, 5]], f: ([x]) => mul(dropout(x!, 0.6, new Rng(2)), x!) });
  });

  it('backward applies the same mask', () => {
    tidy(() => {
      const x = tensor(new Float32Array(64).fill(2), [64]);
      x.requiresGrad = true;
      const y = dropout(x, 0.5, new Rng(9));
      sum(y).backward();
      const ys = y.dataSync();
      const gs = x.grad!.dataSync();
      for (let i = 0; i < 64; i++) expect(gs[i]).toBe(ys[i] === 0 ? 0 : 2);
      x.dispose();
    });
  });
});

describe('cast', () => {
  it('decodes f16 and bf16 storage exactly and rounds f32 to nearest even', () => {
    tidy(() => {
      const bits = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00]);
      const f = cast(tensor(bits, [5], 'f16'), 'f32').toArray();
      expect(f).toEqual([1, -2, 65504, 2 ** -24, Number.POSITIVE_INFINITY]);
      const back = cast(tensor([1 + 2 ** -11, 1 + 3 * 2 ** -11]), 'f16').toArray();
      expect(back).toEqual([f32ToF16Bits(1), f32ToF16Bits(1 + 2 ** -9)]);
      expect(f16BitsToF32(back[1]!)).toBe(1 + 2 ** -9);
      const bf = cast(tensor(new Uint16Array([0x3f80, 0x4049]), [2], 'bf16'), 'f32').toArray();
      expect(bf).toEqual([1, 3.140625]);
      expect(cast(tensor([1.7, -2.9]), 'i32').toArray()).toEqual([1, -2]);
    });
  });

  it('refuses to compute on f16/bf16 storage, saying to cast to f32 first', () => {
    tidy(() => {
      const h = tensor(new Uint16Array([0x3c00, 0x4000]), [2], 'f16');
      expect(() => add(h, h)).toThrow(/f16 is a storage type: cast it to f32 first/);
      expect(() => exp(tensor(new Uint16Array([0x3f80]), [1], 'bf16'))).toThrow(/bf16 is a storage type/);
      expect(() => exp(tensor(new Int32Array([1]), [1], 'i32'))).toThrow(/kernels compute in f32\/f64, not i32/);
      expect(cast(h, 'f32').toArray()).toEqual([1, 2]);
    });
  });

  it('passes gradients between f32 and f64', () => {
    tidy(() => {
      const x = tensor([1, 2, 3]);
      x.requiresGrad = true;
      const y = cast(x, 'f64');
      expect(y.dtype).toBe('f64');
      y.backward(tensor(new Float64Array([0.5, -1, 2]), [3], 'f64'));
      expect(x.grad!.dtype).toBe('f32');
      expect(x.grad!.toArray()).toEqual([0.5, -1, 2]);
      x.dispose();
    });
  });
});
