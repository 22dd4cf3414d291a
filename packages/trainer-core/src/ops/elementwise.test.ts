import { expect, it } from 'vitest';
import { TrainingRng } from '../random/training-rng.js';
import { f16BitsToF32, f32ToF16Bits } from '../tensor/half.js';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { expectClose, gradcheck, uniformInit } from '../test-utils/gradcheck.js';
import { values, valuesOf } from '../test-utils/read.js';
import { tensor } from './create.js';
import {
  add,
  affine,
  cast,
  compare,
  div,
  dropout,
  exp,
  geglu,
  gelu,
  log,
  logSigmoid,
  maskedFill,
  maximum,
  minimum,
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

describeEachBackend('binary ops with broadcasting', () => {
  it('adds, subtracts, multiplies and divides with NumPy broadcasting', async () => {
    const [ab, ac, mc, bc, bc2, a1, am] = await valuesOf(() => {
      const a = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const b = tensor([10, 20, 30], [3]);
      const c = tensor([2, 4], [2, 1]);
      const q = div(b, c);
      expect(q.shape).toEqual([2, 3]);
      return [add(a, b), sub(a, c), mul(a, c), q, div(c, c), add(a, 1), mul(a, -2)];
    });
    expect(ab).toEqual([11, 22, 33, 14, 25, 36]);
    expect(ac).toEqual([-1, 0, 1, 0, 1, 2]);
    expect(mc).toEqual([2, 4, 6, 16, 20, 24]);
    expect(bc).toEqual([5, 10, 15, 2.5, 5, 7.5]);
    expect(bc2).toEqual([1, 1]);
    expect(a1).toEqual([2, 3, 4, 5, 6, 7]);
    expect(am).toEqual([-2, -4, -6, -8, -10, -12]);
  });

  it('reads strided views (a transposed operand) without copying first', async () => {
    const at = () => transpose(tensor([1, 2, 3, 4, 5, 6], [2, 3]));
    expect(await values(() => add(at(), tensor([1, 1, 1, 1, 1, 1], [3, 2])))).toEqual([2, 5, 3, 6, 4, 7]);
  });

  it('rejects shapes that do not broadcast and mixed dtypes', () => {
    tidy(() => {
      expect(() => add(tensor([1, 2, 3]), tensor([1, 2]))).toThrow(/do not broadcast/);
      expect(() => add(tensor([1, 2]), tensor(new Int32Array([1, 2])))).toThrow(/dtypes differ/);
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
    it(`differentiates add/sub/mul/div for ${JSON.stringify(sa)} and ${JSON.stringify(sb)}`, async () => {
      await gradcheck({ shapes: [sa, sb], f: ([a, b]) => add(a!, b!) });
      await gradcheck({ shapes: [sa, sb], f: ([a, b]) => sub(a!, b!) });
      await gradcheck({ shapes: [sa, sb], f: ([a, b]) => mul(a!, b!) });
      await gradcheck({ shapes: [sa, sb], f: ([a, b]) => div(a!, b!), init: uniformInit(0.5, 2) });
    });
  }

  it('differentiates through a transposed view', async () => {
    await gradcheck({
      shapes: [
        [3, 4],
        [4, 3],
      ],
      f: ([a, b]) => mul(transpose(a!), b!),
    });
  });

  it('differentiates the same tensor used twice (x * x)', async () => {
    await gradcheck({ shapes: [[7]], f: ([a]) => mul(a!, a!) });
  });
});

describeEachBackend('minimum, maximum and compare', () => {
  it('take the element-wise min / max with broadcasting, NaN propagating as in torch', async () => {
    const [mn, mx, nan] = await valuesOf(() => {
      const a = tensor([1, 5, -2, 3, 3, 0], [2, 3]);
      const b = tensor([2, 3, -2], [3]);
      return [minimum(a, b), maximum(a, b), minimum(tensor([Number.NaN, 1]), tensor([0, Number.NaN]))];
    });
    expect(mn).toEqual([1, 3, -2, 2, 3, -2]);
    expect(mx).toEqual([2, 5, -2, 3, 3, 0]);
    expect(nan.every(Number.isNaN)).toBe(true);
  });

  it('split the gradient in half on ties and send none to the loser (torch.minimum / maximum)', async () => {
    // a = [1, 5, 2], b = [2, 3, 2]: min picks a, b, tie; max picks b, a, tie.
    const run = async (
      f: (a: ReturnType<typeof tensor>, b: ReturnType<typeof tensor>) => ReturnType<typeof tensor>,
    ) => {
      const a = tensor([1, 5, 2]);
      const b = tensor([2, 3, 2]);
      a.requiresGrad = true;
      b.requiresGrad = true;
      tidy(() => sum(mul(f(a, b), tensor([10, 20, 30]))).backward());
      const grads = [await a.grad!.array(), await b.grad!.array()];
      a.dispose();
      b.dispose();
      return grads;
    };
    expect(await run(minimum)).toEqual([
      [10, 0, 15],
      [0, 20, 15],
    ]);
    expect(await run(maximum)).toEqual([
      [0, 20, 15],
      [10, 0, 15],
    ]);
  });

  it('differentiate against finite differences where there are no ties (broadcast operand)', async () => {
    await gradcheck({
      shapes: [[3, 4], [4]],
      f: ([a, b]) => minimum(a!, b!),
      seed: 4,
    });
    await gradcheck({
      shapes: [
        [3, 4],
        [3, 1],
      ],
      f: ([a, b]) => maximum(a!, b!),
      seed: 5,
    });
  });

  it('compare gives 1 where the relation holds and 0 elsewhere', async () => {
    const a = () => tensor([1, 2, 3, Number.NaN]);
    const b = () => tensor([2, 2, 2, Number.NaN]);
    const got = await valuesOf(() =>
      (['lt', 'le', 'gt', 'ge', 'eq', 'ne'] as const).map((op) => compare(a(), b(), op)),
    );
    expect(got).toEqual([
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 1, 0],
      [0, 1, 1, 0],
      [0, 1, 0, 0],
      [1, 0, 1, 1],
    ]);
  });
});

describeEachBackend('unary ops', () => {
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
    it(`${name} matches its formula and its finite-difference gradient`, async () => {
      expectClose(await values(() => fn(tensor(xs))), xs.map(reference[name]!), 2e-7, name);
      await gradcheck({ shapes: [[3, 7]], f: ([x]) => fn(x!), seed: 3 });
    });
  }

  it('gelu uses the tanh approximation (gelu_pytorch_tanh), not the erf form', async () => {
    // torch.nn.functional.gelu(torch.tensor(1.0), approximate='tanh') = 0.8411920071 (erf form: 0.8413447).
    expectClose(await values(() => gelu(tensor([1]))), [0.8411919906082768], 1e-7);
  });

  it('log and sqrt (positive inputs)', async () => {
    expectClose(await values(() => log(tensor([1, Math.E]))), [0, 1], 1e-6);
    expectClose(await values(() => sqrt(tensor([4, 9]))), [2, 3], 1e-6);
    await gradcheck({ shapes: [[11]], f: ([x]) => log(x!), init: uniformInit(0.5, 3) });
    await gradcheck({ shapes: [[11]], f: ([x]) => sqrt(x!), init: uniformInit(0.5, 3) });
  });

  it('logSigmoid is exact and finite at any magnitude (|x| = 1000 included), with gradient sigmoid(-x)', async () => {
    const got = await values(() => logSigmoid(tensor([-1000, -20, 0, 3, 1000])));
    expectClose(got, [-1000, -20.000000002061153, -Math.LN2, -0.04858735157374206, 0], 1e-6);
    await gradcheck({ shapes: [[9]], f: ([x]) => logSigmoid(x!), init: uniformInit(-8, 8) });
    const x = tensor([-1000, 1000]);
    x.requiresGrad = true;
    tidy(() => sum(logSigmoid(x)).backward());
    expect(await x.grad!.array()).toEqual([1, 0]);
    x.dispose();
  });

  it('sigmoid is stable for large magnitudes', async () => {
    expect(await values(() => sigmoid(tensor([-1000, 1000])))).toEqual([0, 1]);
    expect((await values(() => silu(tensor([-1000]))))[0]).toBeCloseTo(0, 10);
  });

  it('affine scales and shifts', async () => {
    expect(await values(() => affine(tensor([1, 2]), 3, 1))).toEqual([4, 7]);
    await gradcheck({ shapes: [[5]], f: ([x]) => affine(x!, -1.5, 2) });
  });
});

describeEachBackend('gated activations (fused SwiGLU / GeGLU)', () => {
  it('swiglu equals silu(gate) * up and geglu equals gelu(gate) * up', async () => {
    const g = () => tensor([-2, -0.5, 0.1, 1.7]);
    const u = () => tensor([0.3, -1, 2, 0.5]);
    const [sw, swRef, ge, geRef] = await valuesOf(() => [
      swiglu(g(), u()),
      mul(silu(g()), u()),
      geglu(g(), u()),
      mul(gelu(g()), u()),
    ]);
    expectClose(sw!, swRef!, 1e-6);
    expectClose(ge!, geRef!, 1e-6);
  });

  it('differentiates both inputs', async () => {
    const shapes = [
      [3, 9],
      [3, 9],
    ];
    await gradcheck({ shapes, f: ([g, u]) => swiglu(g!, u!) });
    await gradcheck({ shapes, f: ([g, u]) => geglu(g!, u!) });
  });
});

describeEachBackend('where and maskedFill', () => {
  it('selects with a broadcast condition', async () => {
    const a = () => tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const cond = () => tensor(new Int32Array([1, 0, 1]), [3], 'i32');
    expect(await values(() => where(cond(), a(), tensor([-1], [1])))).toEqual([1, -1, 3, 4, -1, 6]);
    const mask = () => tensor(new Uint8Array([0, 1, 0]), [3], 'u8');
    expect(await values(() => maskedFill(a(), mask(), -9))).toEqual([1, -9, 3, 4, -9, 6]);
  });

  it('sends gradients to the selected side only, summed over broadcasts', async () => {
    await gradcheck({
      shapes: [
        [3, 5],
        [1, 5],
      ],
      f: ([a, b]) => where(tensor(new Int32Array([1, 0, 0, 1, 1]), [5], 'i32'), a!, b!),
    });
  });

  it('maskedFill sends no gradient to the filled positions', async () => {
    await gradcheck({
      shapes: [[4, 3]],
      f: ([x]) => maskedFill(x!, tensor(new Uint8Array([0, 1, 1, 0]), [4, 1], 'u8'), -2.5),
    });
  });
});

describeEachBackend('dropout', () => {
  it('is seeded, keeps about 1 - p, scales kept values by 1 / (1 - p)', async () => {
    const x = () => tensor(new Float32Array(20000).fill(1), [20000]);
    const [y1, y2] = await valuesOf(() => [
      dropout(x(), 0.25, new TrainingRng(5)),
      dropout(x(), 0.25, new TrainingRng(5)),
    ]);
    expect(y1).toEqual(y2);
    let kept = 0;
    for (const v of y1!) {
      if (v !== 0) {
        kept++;
        expect(v).toBeCloseTo(1 / 0.75, 6);
      }
    }
    // Binomial(20000, 0.75): sd ~ 61; allow 5 sd.
    expect(Math.abs(kept - 15000)).toBeLessThan(310);
    tidy(() => {
      const t = x();
      expect(dropout(t, 0, new TrainingRng(1))).toBe(t);
    });
  });

  it('differentiates (central differences in f64): the seeded mask is fixed, kept values scaled by 1 / (1 - p)', async () => {
    // A fresh generator per call gives every evaluation (f64, f32, each perturbation) the same mask.
    await gradcheck({ shapes: [[4, 9]], f: ([x]) => dropout(x!, 0.3, new TrainingRng(11)) });
    await gradcheck({ shapes: [[2, 3, 5]], f: ([x]) => mul(dropout(x!, 0.6, new TrainingRng(2)), x!) });
  });

  it('backward applies the same mask', async () => {
    const x = tensor(new Float32Array(64).fill(2), [64]);
    x.requiresGrad = true;
    const y = tidy(() => {
      const out = dropout(x, 0.5, new TrainingRng(9));
      sum(out).backward();
      return out.detach();
    });
    const [ys, gs] = [await y.array(), await x.grad!.array()];
    for (let i = 0; i < 64; i++) expect(gs[i]).toBe(ys[i] === 0 ? 0 : 2);
    y.dispose();
    x.dispose();
  });
});

describeEachBackend('cast', ({ case: c }) => {
  it('decodes f16 and bf16 storage exactly and rounds f32 to nearest even', async () => {
    const bits = new Uint16Array([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00]);
    const [f, back, bf, ints] = await valuesOf(() => [
      cast(tensor(bits, [5], 'f16'), 'f32'),
      cast(tensor([1 + 2 ** -11, 1 + 3 * 2 ** -11]), 'f16'),
      cast(tensor(new Uint16Array([0x3f80, 0x4049]), [2], 'bf16'), 'f32'),
      cast(tensor([1.7, -2.9]), 'i32'),
    ]);
    expect(f).toEqual([1, -2, 65504, 2 ** -24, Number.POSITIVE_INFINITY]);
    expect(back).toEqual([f32ToF16Bits(1), f32ToF16Bits(1 + 2 ** -9)]);
    expect(f16BitsToF32(back![1]!)).toBe(1 + 2 ** -9);
    expect(bf).toEqual([1, 3.140625]);
    expect(ints).toEqual([1, -2]);
  });

  it('refuses to compute on f16/bf16 storage, saying to cast to f32 first', async () => {
    const h = () => tensor(new Uint16Array([0x3c00, 0x4000]), [2], 'f16');
    tidy(() => {
      expect(() => add(h(), h())).toThrow(/f16 is a storage type: cast it to f32 first/);
      expect(() => exp(tensor(new Uint16Array([0x3f80]), [1], 'bf16'))).toThrow(/bf16 is a storage type/);
      expect(() => exp(tensor(new Int32Array([1]), [1], 'i32'))).toThrow(/kernels compute in f32\/f64, not i32/);
    });
    expect(await values(() => cast(h(), 'f32'))).toEqual([1, 2]);
  });

  it.skipIf(!c.f64)('passes gradients between f32 and f64', async () => {
    const x = tensor([1, 2, 3]);
    x.requiresGrad = true;
    tidy(() => {
      const y = cast(x, 'f64');
      expect(y.dtype).toBe('f64');
      y.backward(tensor(new Float64Array([0.5, -1, 2]), [3], 'f64'));
    });
    expect(x.grad!.dtype).toBe('f32');
    expect(await x.grad!.array()).toEqual([0.5, -1, 2]);
    x.dispose();
  });
});
