/**
 * The compute backend of a CLI command. `--device auto` lists the adapters in a child process
 * (adapter-probe.ts): Dawn's native code writes its warnings (a missing Vulkan loader, reduced
 * limits, with the paths of the machine it was built on) straight to the process's stderr, and
 * users should see them only when they ask (`doctor --verbose`) or pick `--device webgpu`.
 * When the auto choice is the CPU, Dawn is never loaded in this process. From sources (tests
 * without a build) the probe runs in this process.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  type AdapterReport,
  type ComputeDeviceRequest,
  chooseTrainingDevice,
  type DeviceChoice,
  type InitBackendOptions,
  type InitializedBackend,
  initBackend,
  listWebGpuAdapters,
} from '@guinav/trainer-core';

export async function probeAdapters(verbose: boolean): Promise<AdapterReport[]> {
  const probe = fileURLToPath(new URL('./commands/adapter-probe.js', import.meta.url));
  if (!existsSync(probe)) return listWebGpuAdapters();
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [probe], {
      timeout: 120_000,
      maxBuffer: 16 << 20,
    });
    if (verbose && stderr) process.stderr.write(stderr);
    return JSON.parse(stdout) as AdapterReport[];
  } catch (err) {
    const e = err as Error & { stderr?: string };
    if (verbose && e.stderr) process.stderr.write(e.stderr);
    throw new Error(
      `could not list the WebGPU adapters (${e.message.split('\n')[0]}); run guinav doctor --verbose for Dawn's messages`,
    );
  }
}

/** The device a request means, with the adapters of `auto` listed out of process. */
export async function chooseCliDevice(request: ComputeDeviceRequest): Promise<DeviceChoice> {
  if (request !== 'auto') return { device: request, reason: 'requested' };
  // A machine where Dawn cannot even list adapters (no driver, no Mesa) still trains on the CPU.
  return probeAdapters(false).then(
    (adapters) => chooseTrainingDevice('auto', adapters),
    (err: Error) => ({ device: 'cpu' as const, reason: err.message }),
  );
}

/** `initBackend` on the device `chooseCliDevice` picks. */
export async function initCliBackend(
  request: ComputeDeviceRequest,
  options: InitBackendOptions = {},
): Promise<InitializedBackend> {
  if (request !== 'auto') return initBackend(request, options);
  const choice = await chooseCliDevice(request);
  const { backend } = await initBackend(choice.device, options);
  return { backend, choice };
}
