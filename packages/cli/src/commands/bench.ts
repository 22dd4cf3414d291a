/**
 * `guinav bench`: the performance benchmarks of an issue's targets, with the workload names and
 * units of the PyTorch peer (shared/bench/torch_peer.py) so tools/bench can compare the two.
 * Not a test: timings depend on the machine and its load.
 */
import os from 'node:os';
import {
  type BenchResult,
  CPU_BENCH_WORKLOADS,
  type CpuBenchWorkload,
  parseDeviceRequest,
  runCpuBenchmarks,
  runWebGpuBenchmarks,
  WEBGPU_BENCH_WORKLOADS,
  WEBGPU_QUICK_WORKLOADS,
  type WebGpuBenchWorkload,
} from '@guinav/trainer-core';
import type { Command } from 'commander';
import { chooseCliDevice } from '../device.js';
import { boundedInteger, positiveInteger } from '../option-parsers.js';

export interface BenchOptions {
  device: string;
  json?: boolean;
  reps?: number;
  threads?: number;
  workloads?: string[];
  fma: boolean;
  quick?: boolean;
}

function workloadsFor(
  device: string,
  names: readonly string[] | undefined,
  known: readonly string[],
): string[] | undefined {
  for (const name of names ?? []) {
    if (!known.includes(name)) {
      throw new RangeError(
        `--workloads: unknown workload "${name}" for --device ${device} (expected ${known.join(', ')})`,
      );
    }
  }
  return names ? [...names] : undefined;
}

export function formatBenchRow(r: BenchResult): string {
  return `${r.workload.padEnd(30)} ${String(r.value).padStart(12)}  ${r.unit}`;
}

/** Runs the benchmark, printing each result as it is measured (a JSON line each with --json). */
export async function runBench(
  opts: BenchOptions,
  print: (line: string) => void = console.log,
): Promise<BenchResult[]> {
  const request = parseDeviceRequest(opts.device);
  const { device } = await chooseCliDevice(request);
  const onResult = (r: BenchResult) => print(opts.json ? JSON.stringify(r) : formatBenchRow(r));
  if (device === 'webgpu') return runWebGpu(opts, print, onResult);
  if (opts.quick) throw new RangeError('--quick: small sizes are for --device webgpu on a software adapter');
  const workloads = workloadsFor('cpu', opts.workloads, CPU_BENCH_WORKLOADS) as CpuBenchWorkload[] | undefined;
  const reps = opts.reps ?? 7;
  if (!opts.json) {
    const threads = opts.threads ?? os.availableParallelism();
    print(`guinav bench: cpu, ${threads} thread(s), ${os.cpus()[0]?.model ?? 'unknown cpu'}, median of ${reps}`);
  }
  const report = await runCpuBenchmarks({
    workloads,
    reps,
    threads: opts.threads,
    fma: opts.fma ? 'auto' : false,
    onResult,
  });
  if (!opts.json) print(`(WebAssembly SIMD ${report.fma ? 'with relaxed-SIMD FMA' : 'with mul+add, no FMA'})`);
  return report.results;
}

async function runWebGpu(
  opts: BenchOptions,
  print: (line: string) => void,
  onResult: (r: BenchResult) => void,
): Promise<BenchResult[]> {
  const known = [...new Set<string>([...WEBGPU_BENCH_WORKLOADS, ...WEBGPU_QUICK_WORKLOADS])];
  const workloads = workloadsFor('webgpu', opts.workloads, known) as WebGpuBenchWorkload[] | undefined;
  if (!opts.json) print('guinav bench: webgpu (compiling kernels and timing; the software adapter is slow)');
  const report = await runWebGpuBenchmarks({ workloads, quick: opts.quick, reps: opts.reps, onResult });
  if (!opts.json) {
    const a = report.adapter;
    print(`(${a.kind} adapter ${a.device || a.description} via ${a.backend}; timed with ${report.timing})`);
    for (const s of report.skipped) print(`(skipped ${s.workload}: ${s.reason})`);
  }
  return report.results;
}

/** Kernel threads worth asking for: at most 4 per core (and the pool's 256). */
export function maxBenchThreads(cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(256, 4 * cores));
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('Measure a training backend (f32 matmul GFLOP/s, one training step of the reference decoder)')
    .option('--device <device>', 'backend to benchmark: cpu, webgpu or auto (a hardware GPU, else the CPU)', 'cpu')
    .option('--json', 'print one JSON object per line: {"workload", "value", "unit"}')
    .option(
      '--reps <n>',
      'timed repetitions per workload; the median is reported (default 7, 3 with --quick)',
      positiveInteger,
    )
    .option(
      '--threads <n>',
      `cpu: kernel threads, the calling thread included, 1..${maxBenchThreads()} on this machine (default: all cores)`,
      boundedInteger(1, maxBenchThreads()),
    )
    .option(
      '--workloads <list>',
      `comma-separated subset: cpu ${CPU_BENCH_WORKLOADS.join(', ')}; webgpu ${[...WEBGPU_BENCH_WORKLOADS, ...WEBGPU_QUICK_WORKLOADS].join(', ')}`,
      (value: string) => value.split(',').map((s) => s.trim()),
    )
    .option('--quick', `webgpu: small sizes for a software adapter (${WEBGPU_QUICK_WORKLOADS.join(', ')})`)
    .option('--no-fma', 'cpu: use the mul+add kernels even when relaxed-SIMD FMA is available')
    .action(async (opts: BenchOptions) => {
      await runBench(opts);
    });
}
