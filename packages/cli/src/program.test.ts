import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const bin = path.join(import.meta.dirname, '..', 'bin', 'guinav.js');
const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
  version: string;
};

// These run the built bin exactly as `npx guinav` does (the test target depends on build).
describe('guinav bin', () => {
  it('prints its version', async () => {
    const { stdout } = await run('node', [bin, '--version']);
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('lists doctor in --help', async () => {
    const { stdout } = await run('node', [bin, '--help']);
    expect(stdout).toMatch(/Usage: guinav/);
    expect(stdout).toMatch(/doctor/);
  });

  it('doctor reports this machine, which kernels use which adapter feature, and the adapter auto would use', async () => {
    const { stdout, stderr } = await run('node', [bin, 'doctor', '--json'], { timeout: 60_000 });
    // Dawn's native warnings (a missing Vulkan loader, with the path of the machine Dawn was
    // built on) are kept out of the report; --verbose shows them.
    expect(stderr).toBe('');
    const report = JSON.parse(stdout) as {
      cpuCores: number;
      webgpuAdapters: {
        device: string;
        features: string[];
        kernelFeatures: { feature: string; available: boolean }[];
      }[];
      autoDevice: { device: string };
    };
    expect(report.cpuCores).toBeGreaterThan(0);
    expect(report.webgpuAdapters.length).toBeGreaterThan(0);
    for (const a of report.webgpuAdapters) {
      expect(a.kernelFeatures.map((f) => f.feature)).toEqual(['shader-f16', 'subgroups', 'timestamp-query']);
      for (const f of a.kernelFeatures) expect(f.available).toBe(a.features.includes(f.feature));
    }
    expect(['cpu', 'webgpu']).toContain(report.autoDevice.device);
  });

  it('fails with a clear message on an unknown command', async () => {
    await expect(run('node', [bin, 'nope'])).rejects.toMatchObject({
      stderr: expect.stringMatching(/unknown command 'nope'/),
    });
  });
});
