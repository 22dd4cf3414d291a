#!/usr/bin/env node
/**
 * The WebGPU benchmark for a GPU machine, without the CLI's dependencies: prints the adapter, then
 * one JSON line per result (the workload names and units of `guinav bench --device webgpu`), then
 * the reference decoder step's speed-up over the CPU backend's figure on the 2-core machine.
 * Usage: node webgpu-gpu.mjs [path/to/trainer-core/dist/index.js] [--cpu-step-ms 540.9]
 *        [--adapter hardware|software] [--quick]
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args.splice(i, 2)[1] : fallback;
};
// The CPU backend's train_step_full on the 2-core dev VM (BENCHMARKS.md, 2026-11-21, quiet machine).
const cpuStepMs = Number(flag('--cpu-step-ms', '540.9'));
const adapter = flag('--adapter', 'hardware');
const quick = args.includes('--quick');
if (quick) args.splice(args.indexOf('--quick'), 1);
const entry = args[0] ?? path.join(import.meta.dirname, '..', '..', 'packages', 'trainer-core', 'dist', 'index.js');
const core = await import(pathToFileURL(path.resolve(entry)).href);

const adapters = await core.listWebGpuAdapters();
console.log(
  JSON.stringify({
    adapters: adapters.map((a) => ({
      kind: a.kind,
      device: a.device,
      description: a.description,
      features: a.features,
    })),
  }),
);
const report = await core.runWebGpuBenchmarks({ adapter, quick, onResult: (r) => console.log(JSON.stringify(r)) });
console.log(JSON.stringify({ adapter: report.adapter, timing: report.timing, skipped: report.skipped }));
const step = report.results.find((r) => r.workload === 'train_step_full');
if (step)
  console.log(
    JSON.stringify({
      workload: 'train_step_full_speedup_vs_cpu_2core',
      value: Math.round((cpuStepMs / step.value) * 10) / 10,
      unit: 'x',
    }),
  );
process.exit(0);
