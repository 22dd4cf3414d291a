/**
 * The kernel definitions are the single source of truth: these tests derive every coverage
 * check from them (no hand-kept lists), so a new kernel cannot be added without an
 * implementation on every backend, nor a differentiable one without a gradient.
 */
import { describe, expect, it } from 'vitest';
import '../ops/index.js';
import { hasGradient, registerGradient } from '../autograd/gradients.js';
import { allDefinitions, defineKernel, inputArity, type KernelDef, type OpDef, variantKey } from '../kernels/define.js';
import {
  AdamWUpdate,
  AddInPlace,
  Attention,
  Copy,
  CrossEntropy,
  Dropout,
  Fill,
  Matmul,
  RmsNorm,
  Rope,
  ScaleInPlace,
  Unary,
  UnaryGrad,
} from '../kernels/index.js';
import { tensor } from '../ops/create.js';
import { runKernel } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { liveBytesOrSkip } from '../test-utils/live-bytes.js';
import { CpuBackend } from './cpu/cpu-backend.js';
import { getKernel, hasKernel, registerKernel } from './registry.js';

const definitions = allDefinitions();
const kernels = definitions.filter((d): d is KernelDef => d.kind === 'kernel');
const names = (defs: readonly OpDef[]) => defs.map((d) => d.name);

describe('kernel definitions', () => {
  it('are all defined once the kernels module loads, views included', () => {
    expect(kernels.length).toBeGreaterThan(30);
    expect(names(definitions)).toEqual(expect.arrayContaining(['Matmul', 'Attention', 'Reshape', 'Permute']));
    expect(new Set(names(definitions)).size).toBe(definitions.length);
  });

  it('give every differentiable definition a gradient and no other one', () => {
    expect(names(definitions.filter((d) => d.differentiable && !hasGradient(d)))).toEqual([]);
    expect(names(definitions.filter((d) => !d.differentiable && hasGradient(d)))).toEqual([]);
    // Backward, optimizer and memory kernels are the non-differentiable ones.
    expect(names(kernels.filter((d) => d.name.endsWith('Grad') && d.differentiable))).toEqual([]);
    expect(AdamWUpdate.differentiable).toBe(false);
    expect(() => registerGradient(Fill, { grad: () => [] })).toThrow(
      'registerGradient: Fill is defined as not differentiable',
    );
    expect(() => registerGradient(Matmul, { grad: () => [] })).toThrow(
      'registerGradient: Matmul already has a gradient',
    );
  });

  it('write in place only inputs they have, and name inputs and outputs uniquely', () => {
    for (const d of kernels) {
      const [, most] = inputArity(d.inputs);
      for (const i of d.mutates ?? []) expect(i, `${d.name} mutates input ${i}`).toBeLessThan(most);
      const io = [...d.inputs, ...d.outputs].map((n) => n.replace(/(\?|\.\.\.)$/, ''));
      expect(new Set(io).size, `${d.name}: ${io.join(', ')}`).toBe(io.length);
    }
  });

  it('refuse a second definition of a name', () => {
    expect(() => defineKernel('Copy', { inputs: [], outputs: [], differentiable: false, infer: () => [] })).toThrow(
      'defineKernel: Copy is already defined',
    );
  });
});

describe('variantKey', () => {
  it('holds the kernel name and exactly the specialising settings, for every definition', () => {
    for (const d of kernels) {
      const keys = d.specialize ?? [];
      const attrs: Record<string, unknown> = { runtimeValue: 1 };
      for (const k of keys) attrs[k] = 'x';
      const key = variantKey(d, attrs);
      expect(key).toBe(keys.length ? `${d.name}{${keys.map((k) => `${k}="x"`).join(',')}}` : d.name);
      expect(variantKey(d, { ...attrs, runtimeValue: 2 }), `${d.name}: a runtime value`).toBe(key);
      for (const k of keys) expect(variantKey(d, { ...attrs, [k]: 'y' }), `${d.name}.${k}`).not.toBe(key);
    }
  });

  it('changes with code-selecting settings, never with runtime values (steps, rates, seeds, positions, sizes)', () => {
    const matmul = variantKey(Matmul, { transA: true, transB: false, alpha: 0.5 });
    expect(matmul).toBe('Matmul{transA=true,transB=false}');
    expect(variantKey(Matmul, { transA: true, transB: false, alpha: -2 })).toBe(matmul);
    expect(variantKey(Attention, { causal: true, scale: 0.1, window: 0 })).toBe('Attention{causal=true}');
    expect(variantKey(Attention, { causal: true, scale: 0.7, window: 512 })).toBe('Attention{causal=true}');
    expect(
      variantKey(Rope, { theta: 1e6, positionOffset: 17, inverse: true, scaling: { type: 'linear', factor: 8 } }),
    ).toBe('Rope');
    expect(variantKey(Dropout, { p: 0.1, seed: 42 })).toBe('Dropout');
    expect(variantKey(Fill, { shape: [3, 4], dtype: 'f32', value: 2 })).toBe('Fill{dtype="f32"}');
    const runtime = new Set(['step', 'lr', 'seed', 'p', 'positionOffset', 'theta', 'eps', 'scale', 'window', 'alpha']);
    for (const k of ['value', 'shape', 'inShape', 'starts', 'beta1', 'beta2', 'weightDecay', 'ignoreIndex'])
      runtime.add(k);
    for (const d of kernels) {
      expect(
        (d.specialize ?? []).filter((k) => runtime.has(k)),
        d.name,
      ).toEqual([]);
    }
  });
});

describeEachBackend('kernel implementations', (b) => {
  it('exist for every kernel definition on this backend', () => {
    expect(names(kernels.filter((d) => !hasKernel(d, b.backend.name)))).toEqual([]);
  });

  it('name the kernel and backend when one is missing, and refuse duplicates', () => {
    expect(() => getKernel(Copy, 'no-such-backend')).toThrow(
      'kernel Copy is not implemented for backend no-such-backend',
    );
    expect(() => registerKernel(Copy, b.backend.name, () => {})).toThrow(
      `registerKernel: Copy is already registered for backend ${b.backend.name}`,
    );
  });
});

describeEachBackend('the engine', (b) => {
  it('refuses the wrong number of inputs, naming the kernel and its inputs', () => {
    tidy(() => {
      const x = tensor([1, 2, 3, 4], [2, 2]);
      expect(() => runKernel(Matmul, [x], { transA: false, transB: false, alpha: 1 })).toThrow(
        'Matmul: expected inputs (a, b), got 1 tensor(s)',
      );
      expect(() => runKernel(Matmul, [x, x, x], { transA: false, transB: false, alpha: 1 })).toThrow(/got 3 tensor/);
      const q = tensor(new Float32Array(8), [1, 2, 1, 4]);
      const attrs = { causal: true, scale: 1, window: 0 };
      expect(() => runKernel(Attention, [q, q], attrs)).toThrow(
        /Attention: expected inputs \(q, k, v, keyMask\?\), got 2/,
      );
      expect(() => runKernel(Attention, [q, q, q, q, q], attrs)).toThrow(/got 5 tensor/);
      // The optional key mask may be left off.
      expect(runKernel(Attention, [q, q, q], attrs)).toHaveLength(2);
      expect(() => runKernel(Fill, [x], { shape: [1], dtype: 'f32', value: 0 })).toThrow(
        'Fill: expected inputs (), got 1',
      );
    });
    expect(inputArity(['xs...'])).toEqual([1, Number.POSITIVE_INFINITY]);
    expect(inputArity(['x', 'weight', 'bias?'])).toEqual([2, 3]);
  });

  it('reports bad inputs through the definition, naming the kernel and the input, before allocating', (ctx) => {
    const memory = liveBytesOrSkip(b.backend, ctx);
    tidy(() => {
      const f = tensor([1, 2], [2]);
      const f3 = tensor([1, 2, 3], [3]);
      const m = tensor([1, 2, 3, 4], [2, 2]);
      const ints = tensor(new Int32Array([0, 1]), [2], 'i32');
      const half = tensor(new Uint16Array([0x3c00, 0x4000]), [2], 'f16');
      const q = tensor(new Float32Array(8), [1, 2, 1, 4]);
      const intMatrix = tensor(new Int32Array(4), [2, 2], 'i32');
      // Two float dtypes where the backend has f64; an integer one elsewhere.
      const mixed = tensor([1, 2, 3, 4], [2, 2], b.case.f64 ? 'f64' : 'i32');
      const longMask = tensor(new Int32Array(3), [3], 'i32');
      const floatMask = tensor([1, 1], [1, 2]);
      const noMatmul = { transA: false, transB: false, alpha: 1 };
      const cases: [() => unknown, RegExp | string][] = [
        [
          () => runKernel(Matmul, [m, mixed], noMatmul),
          b.case.f64 ? 'Matmul: dtypes differ (a is f32, b is f64)' : /Matmul: b is i32/,
        ],
        [() => runKernel(Matmul, [intMatrix, m], noMatmul), 'Matmul: a is i32 (kernels compute in f32/f64, not i32)'],
        [
          () => runKernel(Matmul, [m, m], { ...noMatmul, alpha: Number.NaN }),
          'Matmul: alpha must be a finite number, got NaN',
        ],
        [
          () => runKernel(Unary, [half], { op: 'exp' }),
          'Unary: x is f16 (f16 is a storage type: cast it to f32 first)',
        ],
        [() => runKernel(UnaryGrad, [f, f3], { op: 'exp' }), 'UnaryGrad: dy must have shape [2], got [3]'],
        [
          () => runKernel(CrossEntropy, [m, f], { ignoreIndex: -100, withGrad: false }),
          'CrossEntropy: labels must be i32, got f32',
        ],
        [
          () =>
            runKernel(CrossEntropy, [m, ints, longMask], {
              ignoreIndex: -100,
              withGrad: false,
            }),
          'CrossEntropy: mask must be [2], got [3]',
        ],
        [
          () => runKernel(Attention, [q, q, q, floatMask], { causal: true, scale: 1, window: 0 }),
          'Attention: keyMask must be i32, got f32',
        ],
        [
          () => runKernel(RmsNorm, [m, f3], { eps: 1e-6, weightOffset: 0 }),
          'RmsNorm: weight must have 2 elements, got 3 ([3])',
        ],
        [() => runKernel(AddInPlace, [f, f3], { alpha: 1 }), 'AddInPlace: src must have shape [2], got [3]'],
        [() => runKernel(ScaleInPlace, [f3, f], {}), 'ScaleInPlace: scale must have 1 elements, got 2 ([2])'],
      ];
      const before = memory.stats().liveBytes;
      for (const [call, message] of cases) expect(call).toThrow(message);
      expect(memory.stats().liveBytes).toBe(before);
    });
  });
});

describe('the engine on a backend without f64', () => {
  it('refuses f64 kernels there, naming the kernel, the backend and the dtype', async () => {
    const cpu = new CpuBackend();
    const f32Only: CpuBackend = Object.create(cpu, { limits: { value: { ...cpu.limits, computeDTypes: ['f32'] } } });
    const x64 = tensor([1, 2], [2], 'f64', { backend: f32Only });
    expect(() => runKernel(Unary, [x64], { op: 'exp' })).toThrow('Unary: backend cpu does not compute in f64');
    const x32 = tensor([0, 1], [2], 'f32', { backend: f32Only });
    const [y] = runKernel(Unary, [x32], { op: 'exp' });
    expect(await y!.array()).toEqual([1, Math.fround(Math.E)]);
    for (const t of [x64, x32, y!]) t.dispose();
    expect(cpu.heap.stats().liveBytes).toBe(0);
  });
});
