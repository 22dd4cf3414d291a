import { describe, expect, it } from 'vitest';
import { getBackend } from '../tensor/engine.js';
import { type CpuBenchWorkload, runCpuBenchmarks } from './cpu-bench.js';
import { medianMs } from './timing.js';

const TINY = { vocab: 32, hidden: 16, intermediate: 24, layers: 1, heads: 2, kvHeads: 2, seq: 8, batch: 2 } as const;

describe('runCpuBenchmarks', () => {
  it('reports the peer workload names and units, streaming each result', async () => {
    const seen: string[] = [];
    const before = getBackend();
    const report = await runCpuBenchmarks({
      workloads: ['matmul_f32_256', 'train_step_full'],
      reps: 1,
      threads: 1,
      decoder: { ...TINY, ropeTheta: 10000, eps: 1e-6 },
      onResult: (r) => seen.push(r.workload),
    });
    expect(report.results.map((r) => [r.workload, r.unit])).toEqual([
      ['matmul_f32_256', 'GFLOP/s'],
      ['train_step_full', 'ms'],
      ['train_step_full_tokens_per_s', 'tokens/s'],
    ]);
    expect(seen).toEqual(report.results.map((r) => r.workload));
    for (const r of report.results) expect(r.value).toBeGreaterThan(0);
    const [, ms, tps] = report.results;
    // tokens/s is batch * seq over the step time (which is rounded to 3 decimals).
    const want = (TINY.batch * TINY.seq) / (ms!.value / 1000);
    expect(Math.abs(tps!.value - want) / want).toBeLessThan(1e-3);
    expect(getBackend()).toBe(before);
  });

  it('runs the LoRA step on a full-precision and an NF4 base, with heap figures', async () => {
    const report = await runCpuBenchmarks({
      workloads: ['train_step_lora16', 'train_step_lora16_nf4'],
      reps: 1,
      threads: 1,
      decoder: { ...TINY, ropeTheta: 10000, eps: 1e-6 },
    });
    const byName = new Map(report.results.map((r) => [r.workload, r]));
    for (const w of ['train_step_lora16', 'train_step_lora16_nf4']) {
      expect(byName.get(w)?.unit).toBe('ms');
      expect(byName.get(`${w}_tokens_per_s`)?.unit).toBe('tokens/s');
      expect(byName.get(`${w}_peak_heap`)!.value).toBeGreaterThan(0);
    }
    expect(byName.get('train_step_lora16_nf4_model_heap')!.value).toBeGreaterThan(0);
    expect(byName.get('nf4_linear_bytes_per_param')?.unit).toBe('B/param');
  });

  it('rejects an unknown workload by name', async () => {
    await expect(runCpuBenchmarks({ workloads: ['matmul_f32_2048' as CpuBenchWorkload] })).rejects.toThrow(
      /unknown workload "matmul_f32_2048"/,
    );
  });
});

describe('medianMs', () => {
  it('warms up first and returns the median of the timed runs', () => {
    // A fake clock: each call of fn takes exactly its delay, whatever the machine's load.
    const delays = [0, 0, 30, 1, 20, 2, 10];
    let call = 0;
    let clock = 0;
    const median = medianMs(
      () => {
        clock += delays[call++]!;
      },
      { reps: 5, warmup: 2, now: () => clock },
    );
    expect(call).toBe(7);
    // Timed delays 30, 1, 20, 2, 10 -> median 10.
    expect(median).toBe(10);
  });
});
