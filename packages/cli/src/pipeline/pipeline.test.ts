/**
 * The main job end to end on a tiny config (an 11-page world, a few steps of each stage): every
 * artifact exists and parses, metrics lie in [0, 1], the TensorBoard files read back (with an
 * independent reader) to the values of metrics.jsonl, the report references every image it drew,
 * report.html opens in a real browser with no console error and every image decoded, and a
 * resumed run redoes nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readTensorBoardEvents } from '@guinav/trainer-core/testing';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliHarness } from '../test-utils/cli-harness.js';
import { LLAMA_FIXTURE } from '../test-utils/fixtures.js';
import { ODYSSEY_STAGE_NAMES, STAGE_NAMES } from './run-folder.js';

const { guinav, stderr, stdout } = cliHarness();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-pipeline-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** A few steps of each training stage (GRPO: 2 prompts x 2 samples of <= 8 tokens per step). */
const TINY_TRAINING = `
sft:
  max_steps: 4
  per_device_train_batch_size: 4
  logging_steps: 1
dpo:
  max_steps: 2
  per_device_train_batch_size: 2
  logging_steps: 1
grpo:
  max_steps: 3
  num_generations: 2
  per_device_train_batch_size: 4
  max_completion_length: 8
`;

const TINY = `
device: cpu
data:
  nodes_per_level: [5, 1]
  image_size: 64x64
${TINY_TRAINING}
eval:
  max_new_tokens: 16
  validation_records: 4
  id_records: 8
  max_steps: 3
  replays: 2
`;

const run = path.join(root, 'run');
const readJson = (dir: string) => (file: string) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
const readJsonl = (dir: string) => (file: string) =>
  fs
    .readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, number>);
const json = readJson(run);
const jsonl = readJsonl(run);

/** The TensorBoard events of a training stage's runs/ folder. */
const tensorBoardEvents = (stageDir: string) =>
  fs.readdirSync(path.join(stageDir, 'runs')).flatMap((f) => readTensorBoardEvents(path.join(stageDir, 'runs', f)));

/** The images report.md links, and the PNGs the report drew (charts and replays). */
function reportImages(dir: string): { linked: string[]; drawn: string[] } {
  const md = fs.readFileSync(path.join(dir, 'report.md'), 'utf8');
  const replays = path.join(dir, 'report', 'replays');
  return {
    linked: [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!),
    drawn: [
      ...fs
        .readdirSync(path.join(dir, 'report'))
        .filter((f) => f.endsWith('.png'))
        .map((f) => `report/${f}`),
      ...(fs.existsSync(replays) ? fs.readdirSync(replays).map((f) => `report/replays/${f}`) : []),
    ],
  };
}

function shares(value: unknown, where: string): void {
  if (value === null) return;
  if (typeof value === 'number') {
    expect(value, where).toBeGreaterThanOrEqual(0);
    expect(value, where).toBeLessThanOrEqual(1);
    return;
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) shares(v, `${where}.${k}`);
}

describe('guinav pipeline (tiny config)', () => {
  beforeAll(async () => {
    const config = path.join(root, 'tiny.yaml');
    fs.writeFileSync(config, TINY);
    const code = await guinav('pipeline', '--config', config, '--out', run);
    expect(code, stderr()).toBe(0);
  }, 240_000);

  it('runs every stage and records it, with the table and the report path at the end', () => {
    const state = json('pipeline-state.json');
    // No --rl: no RL stage.
    expect(Object.keys(state.stages)).toEqual(STAGE_NAMES.filter((n) => n !== 'rl' && n !== 'eval-rl'));
    expect(stdout()).toMatch(/static step accuracy \(in distribution\)\s+\S+.*\n/);
    expect(stdout()).toContain(`report: ${run}/report.html`);
    const manifest = json('manifest.json');
    expect(manifest.config.data.nodes_per_level).toEqual([5, 1]);
    expect(manifest.training.sft.max_steps).toBe(4);
    expect(manifest.packages['@guinav/trainer-core']).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.machine.cores).toBeGreaterThan(0);
    expect(manifest).toHaveProperty('git');
  });

  it('writes summary.json with every stage, shares in [0, 1] and their Wilson intervals', () => {
    const summary = json('summary.json');
    expect(Object.keys(summary.stages)).toEqual(['base', 'sft', 'dpo']);
    for (const [name, s] of Object.entries(summary.stages) as [string, Record<string, unknown>][]) {
      for (const key of ['staticStepAccuracy', 'oodStaticStepAccuracy', 'taskAccuracy', 'interactivePass1', 'ci95']) {
        shares(s[key], `${name}.${key}`);
      }
      expect(Object.keys(s.interactivePass1 as object)).toContain('all');
      expect(s.seconds as number).toBeGreaterThan(0);
      const counts = s.counts as Record<string, { count: number }>;
      expect(counts.staticStepAccuracy!.count).toBe(8);
    }
  });

  it('keeps the data, predictions, episodes, checkpoints and logs, and TensorBoard reads back metrics.jsonl', () => {
    for (const f of ['data/sft.json', 'data/id_test.json', 'data/validation.json', 'data/dpo_train.jsonl']) {
      expect(fs.existsSync(path.join(run, f)), f).toBe(true);
    }
    for (const stage of ['base', 'sft', 'dpo']) {
      expect(jsonl(`eval/${stage}/id_predictions.jsonl`)).toHaveLength(8);
      expect(json(`eval/${stage}/interactive/metrics.json`)).toHaveProperty('overall');
    }
    for (const stage of ['sft', 'dpo']) {
      expect(fs.existsSync(path.join(run, stage, 'final_model', 'model.safetensors'))).toBe(true);
      const logged = jsonl(`${stage}/metrics.jsonl`).filter((r) => r.loss !== undefined);
      const events = tensorBoardEvents(path.join(run, stage));
      const losses = events.filter((e) => 'train/loss' in e.scalars);
      expect(losses.map((e) => e.step)).toEqual(logged.map((r) => r.step));
      losses.forEach((e, i) => {
        expect(e.scalars['train/loss']).toBe(Math.fround(logged[i]!.loss!));
      });
      // Evaluation each epoch: the validation replies' step accuracy was logged.
      expect(events.some((e) => 'eval/step_accuracy' in e.scalars)).toBe(true);
    }
  });

  it('writes a report that references every image it drew, and each decodes', async () => {
    const html = fs.readFileSync(path.join(run, 'report.html'), 'utf8');
    const { linked: fromMd, drawn } = reportImages(run);
    const fromHtml = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
    expect(drawn.some((f) => f.startsWith('report/replays/'))).toBe(true);
    expect(new Set(fromMd)).toEqual(new Set(drawn));
    expect(fromHtml.length).toBeGreaterThan(0);
    for (const f of [...fromMd, ...fromHtml]) {
      const meta = await sharp(path.join(run, f)).metadata();
      expect(meta.width, f).toBeGreaterThan(0);
    }
    expect(html).toMatch(/<svg/);
  });

  it('opens report.html in Chromium with no console error and every image decoded', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(`file://${path.resolve(run, 'report.html')}`, { waitUntil: 'load' });
      const images = await page.$$eval('img', (imgs) =>
        imgs.map((img) => ({ src: img.getAttribute('src'), ok: img.complete && img.naturalWidth > 0 })),
      );
      expect(images.length).toBeGreaterThan(0);
      expect(images.filter((i) => !i.ok)).toEqual([]);
      expect(await page.locator('svg').count()).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('--resume finds every stage done and only redraws the report', async () => {
    const before = json('pipeline-state.json');
    expect(await guinav('pipeline', '--resume', '--out', run)).toBe(0);
    const after = json('pipeline-state.json');
    for (const name of STAGE_NAMES.filter((n) => n !== 'report')) {
      expect(after.stages[name], name).toEqual(before.stages[name]);
    }
    expect(stderr()).toMatch(/sft: done earlier/);
  }, 60_000);

  it('--resume --rl st adds GRPO from the DPO model to the finished run, then its evaluation, and reports them', async () => {
    const before = json('pipeline-state.json');
    expect(await guinav('pipeline', '--resume', '--rl', 'st', '--out', run), stderr()).toBe(0);
    expect(stderr()).toMatch(/dpo: done earlier/);
    expect(stderr()).toMatch(/estimate: .*RL [\d.]+ min for 3 steps/);
    const state = json('pipeline-state.json');
    expect(new Set(Object.keys(state.stages))).toEqual(new Set(STAGE_NAMES));
    for (const name of ['sft', 'eval-sft', 'dpo', 'eval-dpo'])
      expect(state.stages[name], name).toEqual(before.stages[name]);
    expect(state.config.rl).toBe('st');
    const rl = state.stages.rl.result;
    expect(rl).toMatchObject({ kind: 'st', from: 'dpo', steps: 3, status: 'completed' });
    expect(rl.model).toBe(path.join(run, 'rl', 'final_model'));
    expect(fs.existsSync(path.join(run, 'rl', 'final_model', 'model.safetensors'))).toBe(true);
    // GRPO's metrics (TRL's names) every step, and the same values in TensorBoard.
    const logged = jsonl('rl/metrics.jsonl').filter((r) => r.reward !== undefined);
    expect(logged.map((r) => r.step)).toEqual([1, 2, 3]);
    for (const key of ['reward', 'reward_std', 'rewards/web_action_match', 'rewards/format_constraint', 'kl']) {
      expect(logged[0], key).toHaveProperty([key]);
    }
    const rewards = tensorBoardEvents(path.join(run, 'rl')).filter((e) => 'train/reward' in e.scalars);
    expect(rewards.map((e) => e.scalars['train/reward'])).toEqual(logged.map((r) => Math.fround(r.reward!)));
    // The reward trend of the summary: the first and the last step (a quarter of 3 steps is one).
    const summary = json('summary.json');
    expect(Object.keys(summary.stages)).toEqual(['base', 'sft', 'dpo', 'rl']);
    const s = summary.stages.rl;
    for (const key of ['staticStepAccuracy', 'oodStaticStepAccuracy', 'taskAccuracy', 'interactivePass1', 'ci95']) {
      shares(s[key], `rl.${key}`);
    }
    expect(s.counts.staticStepAccuracy.count).toBe(8);
    expect(s.rlReward).toEqual({ first: logged[0]!.reward, last: logged[2]!.reward });
    expect(jsonl('eval/rl/id_predictions.jsonl')).toHaveLength(8);
    expect(json('eval/rl/interactive/metrics.json')).toHaveProperty('overall');
    const md = fs.readFileSync(path.join(run, 'report.md'), 'utf8');
    expect(md).toMatch(/\| metric \| base \| sft \| dpo \| rl \|/);
    expect(md).toMatch(
      /\| RL training reward \(first -> last quarter of steps\) \| - \| - \| - \| [\d.]+ -> [\d.]+ \|/,
    );
    const { linked, drawn } = reportImages(run);
    expect(drawn).toContain('report/rl.png');
    expect(new Set(linked)).toEqual(new Set(drawn));
    const manifest = json('manifest.json');
    expect(manifest.training.rl).toMatchObject({ max_steps: 3, num_generations: 2, output_dir: path.join(run, 'rl') });
    expect(manifest.rlAddedBy).toEqual(['guinav', 'pipeline', '--resume', '--rl', 'st', '--out', run]);
    // The run has its RL stage: another kind is refused, before anything changes.
    expect(await guinav('pipeline', '--resume', '--rl', 'mt', '--out', run)).toBe(1);
    expect(stderr()).toMatch(/--rl mt: .* was started with --rl st/);
    expect(json('pipeline-state.json').config.rl).toBe('st');
  }, 120_000);

  it('refuses a bad config before any work, naming the key path', async () => {
    const bad = path.join(root, 'bad.yaml');
    const out = path.join(root, 'never');
    fs.writeFileSync(bad, 'sft:\n  learning_rat: 0.1\n');
    expect(await guinav('pipeline', '--config', bad, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/unknown key "sft\.learning_rat"/);
    fs.writeFileSync(bad, 'rl: st\ngrpo:\n  num_generaton: 4\n');
    expect(await guinav('pipeline', '--config', bad, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/unknown key "grpo\.num_generaton"/);
    fs.writeFileSync(bad, 'rl: st\ngrpo:\n  num_generations: 3\n');
    expect(await guinav('pipeline', '--config', bad, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/"grpo" section.*per_device_train_batch_size.*multiple of num_generations \(3\)/);
    fs.writeFileSync(bad, 'rl: ppo\n');
    expect(await guinav('pipeline', '--config', bad, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/field "rl"/);
    expect(await guinav('pipeline', '--rl', 'st', '--dataset', 'odyssey', '--out', out)).toBe(1);
    expect(stderr()).toMatch(/--rl \(rl: st\): the RL stage needs GE-Lab's RL data/);
    expect(await guinav('pipeline', '--rl', 'mt', '--model', LLAMA_FIXTURE, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/--rl \(rl: mt\): GRPO on GE-Lab's RL records needs a vision-language model/);
    fs.writeFileSync(bad, 'eval:\n  max_new_tokens: many\n');
    expect(await guinav('pipeline', '--config', bad, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/field "eval\.max_new_tokens"/);
    expect(await guinav('pipeline', '--config', path.join(root, 'missing.yaml'), '--out', out)).toBe(1);
    expect(stderr()).toMatch(/missing\.yaml: cannot read the config file/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('guinav pipeline --model (a text model)', () => {
  it('trains a LoRA adapter on text observations and evaluates the adapter on its base', async () => {
    const out = path.join(root, 'text-run');
    const config = path.join(root, 'text.yaml');
    // TINY with LoRA in the SFT section.
    fs.writeFileSync(config, TINY.replace('sft:\n', 'sft:\n  use_peft: true\n  lora_r: 4\n'));
    const code = await guinav('pipeline', '--config', config, '--model', LLAMA_FIXTURE, '--sft-only', '--out', out);
    expect(code, stderr()).toBe(0);
    const read = (file: string) => JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
    // Text observation: the screen as elements, no screenshot, no picture questions.
    const sft = read('data/sft.json') as { messages: { content: string }[]; images: string[]; source: string }[];
    expect(sft.every((r) => r.images.length === 0 && !r.messages[0]!.content.includes('<image>'))).toBe(true);
    expect(sft[0]!.messages[0]!.content).toMatch(/^Screen: page_\d+\nElements/);
    expect(sft.some((r) => r.source === 'captioning' || r.source === 'grounding')).toBe(false);
    const state = read('pipeline-state.json');
    expect(state.stages.sft.result.adapter).toBe(path.join(out, 'sft', 'final_model'));
    expect(fs.existsSync(path.join(out, 'sft', 'final_model', 'adapter_config.json'))).toBe(true);
    const summary = read('summary.json');
    for (const stage of ['base', 'sft']) shares(summary.stages[stage].staticStepAccuracy, `${stage}.static`);
    expect(
      fs
        .readFileSync(path.join(out, 'eval', 'sft', 'ood_predictions.jsonl'), 'utf8')
        .trim()
        .split('\n').length,
    ).toBe(read('data/test.json').length);
  }, 240_000);
});

const TINY_ODYSSEY = `
dataset: odyssey
device: cpu
data:
  synthetic_episodes: 12
  synthetic_width: 32
${TINY_TRAINING}
eval:
  max_new_tokens: 16
  validation_records: 4
`;

describe('guinav pipeline --dataset odyssey (tiny config)', () => {
  const odyssey = path.join(root, 'odyssey');
  const oJson = readJson(odyssey);
  const oJsonl = readJsonl(odyssey);
  const ids = (records: { episode_id: string }[]) => new Set(records.map((r) => r.episode_id));

  beforeAll(async () => {
    const config = path.join(root, 'odyssey.yaml');
    fs.writeFileSync(config, TINY_ODYSSEY);
    const code = await guinav('pipeline', '--config', config, '--out', odyssey);
    expect(code, stderr()).toBe(0);
  }, 240_000);

  it('runs the Odyssey stages, prints the AMS / SR table and records the source in the manifest', () => {
    expect(Object.keys(oJson('pipeline-state.json').stages)).toEqual([...ODYSSEY_STAGE_NAMES]);
    expect(stdout()).toMatch(/AMS \(test split\)\s+\S+.*\n/);
    expect(stdout()).toMatch(/SR \(test split\)/);
    const manifest = oJson('manifest.json');
    expect(manifest.dataset).toBe('odyssey');
    expect(manifest.episodes).toEqual({ source: 'synthetic', count: 12, seed: 42, width: 32, dir: 'episodes' });
    expect(manifest.config.data.synthetic_episodes).toBe(12);
  });

  it('generates 12 episodes in the released layout, all six categories, with a split of them all', () => {
    const annotations = fs.readdirSync(path.join(odyssey, 'episodes', 'annotations'));
    expect(annotations).toHaveLength(12);
    const categories = new Set(annotations.map((f) => oJson(`episodes/annotations/${f}`).task_info.category));
    expect(categories.size).toBe(6);
    const split = oJson('episodes/splits/random_split.json');
    expect([...split.train, ...split.test].sort()).toEqual([...annotations].sort());
  });

  it('holds whole train episodes out of both training sets for validation', () => {
    const sft = oJson('data/sft.json');
    const sftTrain = oJson('data/sft_train.json');
    const validation = oJson('data/validation.json');
    expect(validation.length).toBeGreaterThan(0);
    expect(validation.length).toBeLessThanOrEqual(4);
    const heldOut = ids(validation);
    expect([...ids(sftTrain)].filter((id) => heldOut.has(id))).toEqual([]);
    // Every train step is trained on or belongs to a held-out episode.
    expect(sft.filter((r: { episode_id: string }) => !heldOut.has(r.episode_id))).toEqual(sftTrain);
    const dpoTrain = oJsonl('data/dpo_train.jsonl') as unknown as { episode_id: string }[];
    expect([...ids(dpoTrain)].filter((id) => heldOut.has(id))).toEqual([]);
    expect(dpoTrain.length + oJsonl('data/dpo_eval.jsonl').length).toBe(oJsonl('data/dpo.jsonl').length);
    const test = ids(oJson('data/test.json'));
    expect([...heldOut].filter((id) => test.has(id))).toEqual([]);
  });

  it('writes predictions that guinav eval static scores to the summary, and summary.json has AMS / SR per stage', async () => {
    const summary = oJson('summary.json');
    expect(Object.keys(summary.stages)).toEqual(['base', 'sft', 'dpo']);
    const testSteps = oJson('data/test.json').length;
    for (const [name, s] of Object.entries(summary.stages) as [string, Record<string, unknown>][]) {
      for (const key of ['ams', 'sr', 'amsByCategory', 'srByCategory', 'ci95']) shares(s[key], `${name}.${key}`);
      expect(typeof s.ams, name).toBe('number');
      expect(typeof s.sr, name).toBe('number');
      expect(Object.keys(s.amsByCategory as object)).toHaveLength(6);
      expect((s.counts as { ams: { count: number } }).ams.count).toBe(testSteps);
      expect(s.seconds as number).toBeGreaterThan(0);
      const predictions = oJsonl(`eval/${name}/predictions.jsonl`);
      expect(predictions).toHaveLength(testSteps);
      expect(predictions.every((p) => typeof p.pred === 'string')).toBe(true);
      const out = path.join(root, `odyssey-${name}-metrics.json`);
      expect(
        await guinav(
          'eval',
          'static',
          '--format',
          'odyssey',
          '--predictions',
          path.join(odyssey, `eval/${name}/predictions.jsonl`),
          '--out',
          out,
        ),
      ).toBe(0);
      const scored = JSON.parse(fs.readFileSync(out, 'utf8'));
      expect(scored.AMS / 100).toBe(s.ams);
      expect(scored.SR / 100).toBe(s.sr);
    }
    shares(summary.stages.dpo.rewardAccuracy, 'dpo.rewardAccuracy');
    expect(typeof summary.stages.dpo.rewardAccuracy).toBe('number');
  });

  it('evaluates each epoch by step accuracy on the validation steps, and the report links every chart it drew', async () => {
    for (const stage of ['sft', 'dpo']) {
      expect(fs.existsSync(path.join(odyssey, stage, 'final_model', 'model.safetensors'))).toBe(true);
      expect(tensorBoardEvents(path.join(odyssey, stage)).some((e) => 'eval/step_accuracy' in e.scalars)).toBe(true);
    }
    const { linked, drawn } = reportImages(odyssey);
    expect(new Set(linked)).toEqual(new Set(drawn));
    expect(drawn).toContain('report/accuracy.png');
    for (const f of linked) expect((await sharp(path.join(odyssey, f)).metadata()).width, f).toBeGreaterThan(0);
    const md = fs.readFileSync(path.join(odyssey, 'report.md'), 'utf8');
    expect(md).toMatch(/\| AMS \(test split\) \|/);
    expect(md).toMatch(/\| {3}AMS, Web_Shopping \|/);
    expect(md).not.toMatch(/Episode replays/);
  });

  it('refuses a bad Odyssey config or flag before any work, naming the key path', async () => {
    const bad = path.join(root, 'bad-odyssey.yaml');
    const out = path.join(root, 'never-odyssey');
    fs.writeFileSync(bad, 'dataset: odyssey\ndata:\n  synthetic_episode: 3\n');
    expect(await guinav('pipeline', '--config', bad, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/unknown key "data\.synthetic_episode"/);
    fs.writeFileSync(bad, 'dataset: odyssey\ndata:\n  synthetic_width: wide\n');
    expect(await guinav('pipeline', '--config', bad, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/field "data\.synthetic_width"/);
    expect(await guinav('pipeline', '--split', 'task', '--out', out)).toBe(1);
    expect(stderr()).toMatch(/--split \(data\.split\): GUI-Odyssey only; add --dataset odyssey/);
    expect(fs.existsSync(out)).toBe(false);
  });
});
