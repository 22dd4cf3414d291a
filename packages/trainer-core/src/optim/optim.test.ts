import { describe, expect, it, type MockInstance, vi } from 'vitest';
import { tensor } from '../ops/create.js';
import { TrainingRng } from '../random/training-rng.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { AdamW } from './adamw.js';
import { clipGradNorm } from './clip.js';
import { decayGroups } from './optimizer.js';
import { LrScheduler, lrLambda, resolveWarmupSteps } from './schedule.js';
import { SGD } from './sgd.js';

function param(values: number[]): Tensor {
  const t = tensor(values, [values.length]);
  t.requiresGrad = true;
  return t;
}

function setGrad(p: Tensor, values: number[]): void {
  p.grad?.dispose();
  p.grad = tensor(values, [values.length]);
}

describeEachBackend('AdamW', ({ case: c }) => {
  it('matches torch.optim.AdamW step by step (decoupled decay, bias correction, eps after sqrt)', async () => {
    const p = param([0.5, -1, 2]);
    const opt = new AdamW([['w', p]], { lr: 0.1, betas: [0.9, 0.99], eps: 1e-3, weightDecay: 0.5 });
    const grads = [
      [1, -2, 0.5],
      [0.3, 0.3, -4],
      [-1, 0, 1],
    ];
    // Hand-written torch algorithm in f64.
    const ref = [0.5, -1, 2];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    for (const [step, g] of grads.entries()) {
      const t = step + 1;
      for (let i = 0; i < 3; i++) {
        ref[i]! *= 1 - 0.1 * 0.5;
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        v[i] = 0.99 * v[i]! + 0.01 * g[i]! ** 2;
        const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - 0.99 ** t) + 1e-3;
        ref[i]! -= (0.1 / (1 - 0.9 ** t)) * (m[i]! / denom);
      }
      setGrad(p, g);
      opt.step();
      const got = await p.array();
      for (let i = 0; i < 3; i++) expect(got[i]).toBeCloseTo(ref[i]!, 6);
    }
    expect(opt.stepOf('w')).toBe(3);
    opt.dispose();
    p.dispose();
  });

  it.skipIf(!c.f64)('reproduces the parameters torch.optim.AdamW printed for the same steps (f64)', async () => {
    // torch 1.13: p = tensor([0.5, -1, 2], float64); AdamW(lr=0.1, betas=(0.9, 0.99), eps=1e-3,
    // weight_decay=0.5); grads below; p printed after each step.
    const torch = [
      [0.3750999000999001, -0.8500499750124937, 1.8001996007984031],
      [0.2707292498696958, -0.7522465552646441, 1.7755562444137116],
      [0.25366026443578193, -0.6717960212093169, 1.720535282785691],
    ];
    const p = tensor(new Float64Array([0.5, -1, 2]), [3], 'f64');
    p.requiresGrad = true;
    const opt = new AdamW([['w', p]], { lr: 0.1, betas: [0.9, 0.99], eps: 1e-3, weightDecay: 0.5 });
    for (const [step, g] of [
      [1, -2, 0.5],
      [0.3, 0.3, -4],
      [-1, 0, 1],
    ].entries()) {
      p.grad?.dispose();
      p.grad = tensor(new Float64Array(g), [3], 'f64');
      opt.step();
      (await p.array()).forEach((v, i) => {
        expect(v).toBeCloseTo(torch[step]![i]!, 13);
      });
    }
    opt.dispose();
    p.dispose();
  });

  it('skips parameters without gradients and keeps per-group lr and weight decay', async () => {
    const w = param([1, 1]);
    const norm = param([1, 1]);
    const opt = new AdamW(
      decayGroups(
        [
          ['w', w],
          ['model.norm.weight', norm],
        ],
        0.1,
      ),
      { lr: 0.01 },
    );
    expect(opt.groups.map((g) => g.weightDecay)).toEqual([0.1, 0]);
    setGrad(norm, [0, 0]);
    opt.step();
    expect(await w.array()).toEqual([1, 1]);
    // Zero gradient and no decay: the update is 0 / (0 + eps) = 0.
    expect(await norm.array()).toEqual([1, 1]);
    opt.dispose();
    w.dispose();
    norm.dispose();
  });

  it('saves and restores its state by name, continuing exactly where it stopped', async () => {
    const run = (p: Tensor, opt: AdamW, g: number[]) => {
      setGrad(p, g);
      opt.step();
    };
    const a = param([1, 2, 3]);
    const optA = new AdamW([['layer.w', a]], { lr: 0.05, betas: [0.8, 0.99], eps: 1e-3, weightDecay: 0.2 });
    run(a, optA, [1, 0, -1]);
    run(a, optA, [0.5, 0.5, 0.5]);
    const saved = await optA.stateDict();
    expect(saved.state['layer.w']!.step).toBe(2);
    const b = tensor(await a.array(), [3]);
    b.requiresGrad = true;
    // Built with torch's defaults: every hyperparameter must come from the saved state.
    const optB = new AdamW([['layer.w', b]]);
    optB.loadStateDict(saved);
    run(a, optA, [2, -1, 0]);
    run(b, optB, [2, -1, 0]);
    expect(await b.array()).toEqual(await a.array());
    expect(() => optB.loadStateDict({ ...saved, state: { other: saved.state['layer.w']! } }, 'opt.json')).toThrow(
      /opt\.json: field "state\.other"/,
    );
    for (const o of [optA, optB]) o.dispose();
    for (const t of [a, b]) t.dispose();
  });
});

describeEachBackend('SGD', ({ case: c }) => {
  it('matches torch.optim.SGD with momentum, dampening, weight decay and Nesterov', async () => {
    for (const nesterov of [false, true]) {
      const p = param([1, -1]);
      const opt = new SGD([['p', p]], { lr: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0.01, nesterov });
      const ref = [1, -1];
      const buf = [0, 0];
      for (const [step, g] of [
        [0.5, 1],
        [-0.5, 2],
        [1, 1],
      ].entries()) {
        for (let i = 0; i < 2; i++) {
          let d = g[i]! + 0.01 * ref[i]!;
          buf[i] = step === 0 ? d : 0.9 * buf[i]! + d;
          d = nesterov ? d + 0.9 * buf[i]! : buf[i]!;
          ref[i]! -= 0.1 * d;
        }
        setGrad(p, g);
        opt.step();
        (await p.array()).forEach((v, i) => {
          expect(v).toBeCloseTo(ref[i]!, 6);
        });
      }
      opt.dispose();
      p.dispose();
    }
  });

  it.skipIf(!c.f64)(
    'reproduces the parameters torch.optim.SGD printed, with dampening and with Nesterov (f64)',
    async () => {
      // torch 1.13: p = tensor([1, -1], float64); SGD(lr=0.1, momentum=0.9, weight_decay=0.01, ...);
      // three steps with the grads below; p printed at the end.
      const cases = [
        { dampening: 0, nesterov: false, torch: [0.854034749, -1.744814899] },
        { dampening: 0, nesterov: true, torch: [0.765848958191, -2.066113787041] },
        { dampening: 0.3, nesterov: false, torch: [0.85637162501, -1.60189919851] },
      ];
      for (const k of cases) {
        const p = tensor(new Float64Array([1, -1]), [2], 'f64');
        p.requiresGrad = true;
        const opt = new SGD([['p', p]], { lr: 0.1, momentum: 0.9, weightDecay: 0.01, ...k });
        for (const g of [
          [0.5, 1],
          [-0.5, 2],
          [1, 1],
        ]) {
          p.grad?.dispose();
          p.grad = tensor(new Float64Array(g), [2], 'f64');
          opt.step();
        }
        (await p.array()).forEach((v, i) => {
          expect(v, JSON.stringify(k)).toBeCloseTo(k.torch[i]!, 13);
        });
        opt.dispose();
        p.dispose();
      }
    },
  );
});

describeEachBackend('clipGradNorm', (b) => {
  const grad = async (p: Tensor) => (await p.grad!.array())[0]!;

  it('returns the pre-clip global norm as a tensor and scales gradients to max norm', async () => {
    const a = param([0, 0]);
    const c = param([0]);
    setGrad(a, [3, 0]);
    setGrad(c, [4]);
    const clip = async (maxNorm: number) => {
      const norm = clipGradNorm([a, c], maxNorm);
      expect(norm.shape).toEqual([]);
      expect(norm.backend).toBe(b.backend);
      const value = await norm.item();
      norm.dispose();
      return value;
    };
    expect(await clip(1)).toBeCloseTo(5, 6);
    expect(await grad(a)).toBeCloseTo(3 / (5 + 1e-6), 6);
    expect(await grad(c)).toBeCloseTo(4 / (5 + 1e-6), 6);
    expect(await clip(10)).toBeCloseTo(1, 5);
    expect(await grad(c)).toBeCloseTo(0.8, 5);
    // torch's clip_coef = max_norm / (total_norm + 1e-6), visible on tiny norms: 1e-6 / (5e-6 + 1e-6).
    setGrad(a, [3e-6, 0]);
    setGrad(c, [4e-6]);
    expect(await clip(1e-6)).toBeCloseTo(5e-6, 12);
    expect((await grad(a)) / 3e-6).toBeCloseTo(1 / 6, 6);
    expect((await grad(c)) / 4e-6).toBeCloseTo(1 / 6, 6);
    a.dispose();
    c.dispose();
  });

  it('reads nothing back: the coefficient is computed and applied on the device', () => {
    const ps = [param([1, 2, 3]), param([4])];
    for (const p of ps) setGrad(p, [10, 20, 30].slice(0, p.size));
    const reads: MockInstance[] = [vi.spyOn(b.backend, 'download')];
    if (b.backend.downloadSync) reads.push(vi.spyOn(b.backend as Required<typeof b.backend>, 'downloadSync'));
    try {
      clipGradNorm(ps, 1).dispose();
      for (const r of reads) expect(r).not.toHaveBeenCalled();
    } finally {
      for (const r of reads) r.mockRestore();
    }
    for (const p of ps) p.dispose();
  });

  it('skips parameters without gradients, returns a zero norm for none, and propagates a NaN as torch does', async () => {
    const none = clipGradNorm([param([1])], 1);
    expect(await none.array()).toEqual([0]);
    none.dispose();
    const a = param([0, 0]);
    const frozen = param([7]);
    setGrad(a, [Number.NaN, 1]);
    const norm = clipGradNorm([a, frozen], 1);
    expect(await norm.item()).toBeNaN();
    expect((await a.grad!.array()).every(Number.isNaN)).toBe(true);
    expect(frozen.grad).toBeNull();
    norm.dispose();
    a.dispose();
    frozen.dispose();
    expect(() => clipGradNorm([], 0)).toThrow(/clipGradNorm: max norm must be a finite number > 0, got 0/);
  });

  it.skipIf(!b.case.f64)('clips f64 gradients in f64', async () => {
    const p = tensor(new Float64Array([1, 1]), [2], 'f64');
    p.requiresGrad = true;
    p.grad = tensor(new Float64Array([3e-6, 4e-6]), [2], 'f64');
    const norm = clipGradNorm([p], 1e-6);
    expect(norm.dtype).toBe('f64');
    expect(await norm.item()).toBeCloseTo(5e-6, 18);
    expect(await p.grad.array()).toEqual([3e-6 / 6, 4e-6 / 6].map((v) => expect.closeTo(v, 18)));
    norm.dispose();
    p.dispose();
  });

  it('matches the norm of many random gradients computed on the host', async () => {
    const rng = new TrainingRng(3);
    const ps = [param(new Array(37).fill(0)), param(new Array(5).fill(0))];
    let sq = 0;
    for (const p of ps) {
      const g = Array.from({ length: p.size }, () => Math.fround(rng.normal()));
      for (const v of g) sq += v * v;
      setGrad(p, g);
    }
    const norm = clipGradNorm(ps, 1);
    expect(await norm.item()).toBeCloseTo(Math.sqrt(sq), 4);
    norm.dispose();
    for (const p of ps) p.dispose();
  });
});

describe('learning-rate schedules (Hugging Face formulas)', () => {
  it('warmup from steps or ratio (ceil)', () => {
    expect(resolveWarmupSteps({ totalSteps: 100, warmupRatio: 0.03 })).toBe(3);
    expect(resolveWarmupSteps({ totalSteps: 1000, warmupRatio: 0.03 })).toBe(30);
    expect(resolveWarmupSteps({ totalSteps: 10, warmupRatio: 0.01 })).toBe(1);
    expect(resolveWarmupSteps({ totalSteps: 100, warmupSteps: 7, warmupRatio: 0.5 })).toBe(7);
  });

  it('linear, cosine and constant multipliers at known steps', () => {
    const lin = lrLambda('linear', { totalSteps: 100, warmupSteps: 10 });
    expect([0, 5, 10, 55, 100, 120].map(lin)).toEqual([0, 0.5, 1, 0.5, 0, 0]);
    const cos = lrLambda('cosine', { totalSteps: 110, warmupSteps: 10 });
    expect(cos(5)).toBe(0.5);
    expect(cos(10)).toBe(1);
    expect(cos(60)).toBeCloseTo(0.5, 12);
    expect(cos(35)).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI * 0.25)), 12);
    expect(cos(110)).toBeCloseTo(0, 12);
    const cw = lrLambda('constant_with_warmup', { totalSteps: 50, warmupSteps: 4 });
    expect([0, 2, 4, 49].map(cw)).toEqual([0, 0.5, 1, 1]);
    expect(lrLambda('constant', { totalSteps: 5, warmupSteps: 4 })(0)).toBe(1);
  });

  it('a scheduler drives the optimizer lr like LambdaLR (first step at lambda(0))', () => {
    const p = param([1]);
    const opt = new SGD([['p', p]], { lr: 0.2 });
    const sched = LrScheduler.named(opt, 'linear', { totalSteps: 4, warmupSteps: 2 });
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      seen.push(sched.lastLr[0]!);
      opt.step();
      sched.step();
    }
    expect(seen.map((v) => +v.toFixed(12))).toEqual([0, 0.1, 0.2, 0.1]);
    opt.dispose();
    p.dispose();
  });
});
