/**
 * `guinav bench`: the performance benchmarks of an issue's targets, with the workload names and
 * units of the PyTorch peer (shared/bench/torch_peer.py) so tools/bench can compare the two.
 * Not a test: timings depend on the machine and its load.
 */
import os from 'node:os';
import { type BenchResult, CPU_BENCH_WORKLOADS, type CpuBenchWorkload, runCpuBenchmarks } from '@guinav/trainer-core';
import { type Command, InvalidArgumentError } from 'commander';
import { boundedInteger, positiveInteger } from '../option-parsers.js';

export interface BenchOptions {
  device: string;
  json?: boolean;
  reps: number;
  threads?: number;
  workloads?: CpuBenchWorkload[];
  fma: boolean;
}

function workloadList(value: string): CpuBenchWorkload[] {
  const names = value.split(',').map((s) => s.trim());
  for (const name of names) {
    if (!(CPU_BENCH_WORKLOADS as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(`unknown workload "${name}" (expected ${CPU_BENCH_WORKLOADS.join(', ')}).`);
    }
  }
  return names as CpuBenchWorkload[];
}

/**
 * More kernel threads than 4 per core only add switching (and the worker pool stops at 256): a
 * larger --threads is refused here, naming the flag, rather than deep in the backend.
 */
export function maxBenchThreads(cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(256, 4 * cores));
}

export function formatBenchRow(r: BenchResult): string {
  return `${r.workload.padEnd(30)} ${String(r.value).padStart(12)}  ${r.unit}`;
}

/** Runs the benchmark, printing each result as it is measured (a JSON line each with --json). */
export async function runBench(
  opts: BenchOptions,
  print: (line: string) => void = console.log,
): Promise<BenchResult[]> {
  if (opts.device !== 'cpu') {
    throw new Error(`--device: only the cpu backend has benchmarks so far (expected cpu, got "${opts.device}")`);
  }
  if (!opts.json) {
    const threads = opts.threads ?? os.availableParallelism();
    print(`guinav bench: cpu, ${threads} thread(s), ${os.cpus()[0]?.model ?? 'unknown cpu'}, median of ${opts.reps}`);
  }
  const report = await runCpuBenchmarks({
    workloads: opts.workloads,
    reps: opts.reps,
    threads: opts.threads,
    fma: opts.fma ? 'auto' : false,
    onResult: (r) => print(opts.json ? JSON.stringify(r) : formatBenchRow(r)),
  });
  if (!opts.json) print(`(WebAssembly SIMD ${report.fma ? 'with relaxed-SIMD FMA' : 'with mul+add, no FMA'})`);
  return report.results;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('Measure the training backend (f32 matmul GFLOP/s, one training step of the reference decoder)')
    .option('--device <device>', 'backend to benchmark', 'cpu')
    .option('--json', 'print one JSON object per line: {"workload", "value", "unit"}')
    .option('--reps <n>', 'timed repetitions per workload; the median is reported', positiveInteger, 7)
    .option(
      '--threads <n>',
      `kernel threads, the calling thread included, 1..${maxBenchThreads()} on this machine (default: all cores)`,
      boundedInteger(1, maxBenchThreads()),
    )
    .option('--workloads <list>', `comma-separated subset of ${CPU_BENCH_WORKLOADS.join(', ')}`, workloadList)
    .option('--no-fma', 'use the mul+add kernels even when relaxed-SIMD FMA is available')
    .action(async (opts: BenchOptions) => {
      await runBench(opts);
    });
}
