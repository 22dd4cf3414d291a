import { describe, expect, it } from 'vitest';
import { buildProgram } from '../program.js';
import { maxBenchThreads, runBench } from './bench.js';

describe('guinav bench', () => {
  it('--json prints one {"workload","value","unit"} object per line with the peer names', async () => {
    const lines: string[] = [];
    await runBench({ device: 'cpu', json: true, reps: 1, threads: 1, workloads: ['matmul_f32_256'], fma: true }, (l) =>
      lines.push(l),
    );
    expect(lines).toHaveLength(1);
    const row = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(row)).toEqual(['workload', 'value', 'unit']);
    expect(row.workload).toBe('matmul_f32_256');
    expect(row.unit).toBe('GFLOP/s');
    expect(row.value).toBeGreaterThan(0);
  });

  it('prints a readable table without --json', async () => {
    const lines: string[] = [];
    await runBench({ device: 'cpu', reps: 1, threads: 1, workloads: ['matmul_f32_256'], fma: false }, (l) =>
      lines.push(l),
    );
    expect(lines[0]).toMatch(/^guinav bench: cpu, 1 thread\(s\), .*median of 1$/);
    expect(lines[1]).toMatch(/^matmul_f32_256 +[\d.]+ {2}GFLOP\/s$/);
    expect(lines[2]).toMatch(/mul\+add, no FMA/);
  });

  it('runs the quick WebGPU suite on the adapter it finds, naming workloads as the CPU suite does', async () => {
    const lines: string[] = [];
    await runBench(
      { device: 'webgpu', json: true, reps: 1, workloads: ['matmul_f32_256', 'train_step_micro'], fma: true },
      (l) => lines.push(l),
    );
    const rows = lines.map((l) => JSON.parse(l) as { workload: string; value: number; unit: string });
    expect(rows.map((r) => [r.workload, r.unit])).toEqual([
      ['matmul_f32_256', 'GFLOP/s'],
      ['train_step_micro', 'ms'],
      ['train_step_micro_tokens_per_s', 'tokens/s'],
    ]);
    for (const r of rows) expect(r.value).toBeGreaterThan(0);
  });

  it('rejects other devices and unknown workloads with the option named', async () => {
    await expect(runBench({ device: 'tpu', reps: 1, fma: true }, () => {})).rejects.toThrow(
      '--device: expected one of auto, cpu, webgpu, got "tpu"',
    );
    await expect(runBench({ device: 'cpu', fma: true, workloads: ['matmul_f32_4096'] }, () => {})).rejects.toThrow(
      /--workloads: unknown workload "matmul_f32_4096" for --device cpu/,
    );
    await expect(runBench({ device: 'cpu', fma: true, quick: true }, () => {})).rejects.toThrow(/--quick/);
    const program = buildProgram();
    program.commands.find((c) => c.name() === 'bench')?.configureOutput({ writeErr: () => {} });
    await expect(program.parseAsync(['node', 'guinav', 'bench', '--workloads', 'matmul_f32_999'])).rejects.toThrow(
      /unknown workload "matmul_f32_999"/,
    );
    await expect(program.parseAsync(['node', 'guinav', 'bench', '--reps', '0'])).rejects.toThrow(
      /option '--reps <n>' argument '0' is invalid\. expected a positive integer/,
    );
  });

  it('refuses --threads 1000 by the flag, before the backend sees it', async () => {
    expect([maxBenchThreads(2), maxBenchThreads(16), maxBenchThreads(128)]).toEqual([8, 64, 256]);
    const program = buildProgram();
    program.commands.find((c) => c.name() === 'bench')?.configureOutput({ writeErr: () => {} });
    const max = maxBenchThreads();
    await expect(program.parseAsync(['node', 'guinav', 'bench', '--threads', '1000'])).rejects.toThrow(
      `option '--threads <n>' argument '1000' is invalid. expected an integer from 1 to ${max}.`,
    );
    await expect(program.parseAsync(['node', 'guinav', 'bench', '--threads', '0'])).rejects.toThrow(/from 1 to/);
  });
});
