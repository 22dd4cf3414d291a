/**
 * manifest.json: what it takes to repeat or compare a run: the full config (each training stage's
 * resolved config included; an RL stage added later with --resume --rl is recorded when added), the seeds, guinav's package versions, the git commit of the checkout
 * (when it is one) and the machine.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DeviceChoice } from '@guinav/trainer-core';
import { readJsonFile, writeTextFileAtomic } from '@guinav/trainer-core';
import { type PipelineConfig, stageTrainingConfig } from './config.js';
import type { RunFolder } from './run-folder.js';

const PACKAGES = ['@guinav/cli', '@guinav/data-gen', '@guinav/trainer-core', '@guinav/dpo', '@guinav/eval-env'];

/** The package.json above a resolved module file. */
function packageJsonOf(specifier: string): { name: string; version: string } | null {
  try {
    let dir = path.dirname(fileURLToPath(import.meta.resolve(specifier)));
    while (dir !== path.dirname(dir)) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
      dir = path.dirname(dir);
    }
  } catch {
    // Not installed: left out of the manifest.
  }
  return null;
}

function packageVersions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PACKAGES) {
    const pkg = packageJsonOf(name === '@guinav/cli' ? import.meta.url : name);
    if (pkg) out[name] = pkg.version;
  }
  return out;
}

/** The commit of the checkout guinav runs from, and whether it has uncommitted changes; null outside git. */
function gitCommit(): { commit: string; dirty: boolean } | null {
  const cwd = path.dirname(fileURLToPath(import.meta.url));
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8', stdio: 'pipe' }).trim();
    const status = execFileSync('git', ['status', '--porcelain'], { cwd, encoding: 'utf8', stdio: 'pipe' });
    return { commit, dirty: status.trim() !== '' };
  } catch {
    return null;
  }
}

export function machineFacts(device: DeviceChoice) {
  const cpus = os.cpus();
  return {
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    device: device.device,
    deviceReason: device.reason,
  };
}

/** The RL stage's resolved GRPO config, under `rl` (nothing for a run without RL). */
function rlTraining(run: RunFolder, config: PipelineConfig) {
  return config.rl === null ? {} : { rl: stageTrainingConfig(config, 'grpo', run.training('rl')) };
}

/** `--resume --rl` added the RL stage to a run: its manifest gains the stage's config and the command that added it. */
export async function recordAddedRl(run: RunFolder, config: PipelineConfig, argv: readonly string[]): Promise<void> {
  const manifest = readJsonFile(run.file('manifest')) as { training?: Record<string, unknown> };
  const updated = {
    ...manifest,
    training: { ...manifest.training, ...rlTraining(run, config) },
    rlAddedBy: ['guinav', ...argv],
  };
  await writeTextFileAtomic(run.file('manifest'), `${JSON.stringify(updated, null, 2)}\n`);
}

export async function writeManifest(
  run: RunFolder,
  config: PipelineConfig,
  device: DeviceChoice,
  argv: readonly string[],
  createdAt: Date,
  /** What the dataset's flow records about the data's source (GUI-Odyssey: the dataset, its episodes, its seeds). */
  source: Record<string, unknown> = {},
): Promise<void> {
  const manifest = {
    createdAt: createdAt.toISOString(),
    command: ['guinav', ...argv],
    config,
    training: {
      sft: stageTrainingConfig(config, 'sft', run.training('sft')),
      dpo: stageTrainingConfig(config, 'dpo', run.training('dpo')),
      ...rlTraining(run, config),
    },
    seeds: { world: config.seed, data: config.seed, validation: config.seed + 1, training: config.seed },
    packages: packageVersions(),
    git: gitCommit(),
    machine: machineFacts(device),
    ...source,
  };
  await writeTextFileAtomic(run.file('manifest'), `${JSON.stringify(manifest, null, 2)}\n`);
}
