import os from 'node:os';
import { type AdapterReport, chooseComputeDevice, type FeatureStatus, featureStatus } from '@guinav/trainer-core';
import type { Command } from 'commander';
import { probeAdapters } from '../device.js';

export interface DoctorReport {
  node: string;
  platform: string;
  cpuCores: number;
  cpuModel: string;
  memoryGiB: number;
  webgpuAdapters: (AdapterReport & { kernelFeatures: FeatureStatus[] })[];
  autoDevice: { device: string; reason: string };
}

export async function collectDoctorReport(options: { verbose?: boolean } = {}): Promise<DoctorReport> {
  const adapters = await probeAdapters(options.verbose ?? false);
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpuCores: os.availableParallelism(),
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    webgpuAdapters: adapters.map((a) => ({ ...a, kernelFeatures: featureStatus(a.features) })),
    autoDevice: chooseComputeDevice('auto', adapters),
  };
}

const MiB = 2 ** 20;

export function formatDoctorReport(r: DoctorReport): string {
  const lines = [
    `node        ${r.node} (${r.platform})`,
    `cpu         ${r.cpuCores} cores, ${r.cpuModel}`,
    `memory      ${r.memoryGiB} GiB`,
    `webgpu      ${r.webgpuAdapters.length} adapter(s)`,
  ];
  for (const a of r.webgpuAdapters) {
    const l = a.limits;
    lines.push(
      `  - ${a.kind}: ${a.device || a.description} via ${a.backend} (${a.featureLevel})`,
      `    description  ${a.description || '-'}`,
      `    features     ${a.features.join(', ') || '-'}`,
      `    limits       maxBufferSize ${Math.round(l.maxBufferSize / MiB)} MiB, ` +
        `maxStorageBufferBindingSize ${Math.round(l.maxStorageBufferBindingSize / MiB)} MiB, ` +
        `storage buffers/stage ${l.maxStorageBuffersPerShaderStage}, ` +
        `workgroup storage ${l.maxComputeWorkgroupStorageSize} B, ` +
        `invocations/workgroup ${l.maxComputeInvocationsPerWorkgroup}`,
    );
    for (const f of a.kernelFeatures) {
      lines.push(
        `    ${f.feature.padEnd(16)} ${f.available ? `used by ${f.usedBy.join('; ')}` : `absent: ${f.fallback}`}`,
      );
    }
  }
  lines.push(`device auto ${r.autoDevice.device} (${r.autoDevice.reason})`);
  return lines.join('\n');
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('Report Node, CPU, the WebGPU adapters found and the compute device `auto` picks')
    .option('--json', 'print the report as JSON')
    .option('--verbose', "also show Dawn's own messages (e.g. a missing Vulkan loader)")
    .action(async (opts: { json?: boolean; verbose?: boolean }) => {
      const report = await collectDoctorReport({ verbose: opts.verbose ?? false });
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatDoctorReport(report));
    });
}
