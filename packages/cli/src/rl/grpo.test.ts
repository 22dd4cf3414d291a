import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GELAB_OUTPUT_FILES, writeGelabDatasets } from '@guinav/data-gen';
import { loadLlava } from '@guinav/trainer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'test-fixtures');
/** A micro LLaVA folder (32 px images, 16 image tokens) with the GE-Lab tokenizer. */
const MODEL = path.join(FIXTURES, 'models', 'llava');
const WORLD = path.join(FIXTURES, 'worlds', 'mini');
const { guinav, stderr } = cliHarness();

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-grpo-cli-'));
const data = path.join(root, 'data');
beforeAll(async () => {
  await writeGelabDatasets({
    uiStructure: path.join(WORLD, 'ui_structure.json'),
    imagesDir: path.join(WORLD, 'images'),
    outDir: data,
  });
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const metrics = (dir: string) =>
  fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);

const small = [
  '--model',
  MODEL,
  '--device',
  'cpu',
  '--max-steps',
  '2',
  '--logging-steps',
  '1',
  '--num-generations',
  '2',
  '--per-device-train-batch-size',
  '4',
  '--max-completion-length',
  '6',
];

describe('guinav train grpo', () => {
  it('st: samples, rewards and trains on st_rl.json, logs TRL metrics, writes a VLM folder that loads', async () => {
    const out = path.join(root, 'st');
    const code = await guinav(
      'train',
      'grpo',
      '--stage',
      'st',
      '--dataset',
      path.join(data, GELAB_OUTPUT_FILES.stRl),
      '--output-dir',
      out,
      ...small,
    );
    expect(code, stderr()).toBe(0);
    const logs = metrics(out);
    expect(logs.map((r) => r.step)).toEqual([1, 2]);
    for (const key of [
      'loss',
      'reward',
      'reward_std',
      'rewards/web_action_match',
      'rewards/web_coordinate_match',
      'rewards/web_intent_match',
      'rewards/format_constraint',
      'completion_length',
      'kl',
      'clip_ratio',
    ]) {
      expect(logs[0], key).toHaveProperty([key]);
    }
    expect(logs[0]!.completion_length).toBeLessThanOrEqual(6);
    const final = path.join(out, 'final_model');
    expect(fs.existsSync(path.join(final, 'preprocessor_config.json'))).toBe(true);
    const loaded = await loadLlava(final);
    loaded.model.dispose();
  });

  it('mt: episodes in the simulator on mt_rl.json, rewarded by a2b_wo in the click-only variant', async () => {
    const out = path.join(root, 'mt');
    const code = await guinav(
      'train',
      'grpo',
      '--stage',
      'mt',
      '--dataset',
      path.join(data, GELAB_OUTPUT_FILES.mtRl),
      '--ui-structure',
      path.join(WORLD, 'ui_structure.json'),
      '--multi-turn-func',
      'gelab_multi_turn_wo_complete',
      '--max-turns',
      '3',
      '--output-dir',
      out,
      ...small,
    );
    expect(code, stderr()).toBe(0);
    expect(metrics(out)[0]).toHaveProperty(['rewards/a2b_wo']);
  });

  it('refuses what cannot work before any training, naming the flag', async () => {
    const mt = path.join(data, GELAB_OUTPUT_FILES.mtRl);
    const out = path.join(root, 'refused');
    expect(await guinav('train', 'grpo', '--stage', 'mt', '--dataset', mt, '--output-dir', out, ...small)).toBe(1);
    expect(stderr()).toMatch(/--stage mt: give --ui-structure/);
    const st = path.join(data, GELAB_OUTPUT_FILES.stRl);
    expect(
      await guinav(
        'train',
        'grpo',
        '--stage',
        'st',
        '--dataset',
        st,
        '--reward-funcs',
        'accuracy',
        '--output-dir',
        out,
        ...small,
      ),
    ).toBe(1);
    expect(stderr()).toMatch(/unknown reward function "accuracy"; GE-Lab's are web_action_match/);
    expect(await guinav('train', 'grpo', '--dataset', st, '--output-dir', out, ...small)).toBe(1);
    expect(stderr()).toMatch(/--stage: give st/);
    expect(fs.existsSync(path.join(out, 'metrics.jsonl'))).toBe(false);
  });
});
