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
import { STAGE_NAMES } from './run-folder.js';

const { guinav, stderr, stdout } = cliHarness();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-pipeline-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const TINY = `
device: cpu
data:
  nodes_per_level: [5, 1]
  image_size: 64x64
sft:
  max_steps: 4
  per_device_train_batch_size: 4
  logging_steps: 1
dpo:
  max_steps: 2
  per_device_train_batch_size: 2
  logging_steps: 1
eval:
  max_new_tokens: 16
  validation_records: 4
  id_records: 8
  max_steps: 3
  replays: 2
`;

const run = path.join(root, 'run');
const json = (file: string) => JSON.parse(fs.readFileSync(path.join(run, file), 'utf8'));
const jsonl = (file: string) =>
  fs
    .readFileSync(path.join(run, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, number>);

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
    expect(Object.keys(state.stages)).toEqual([...STAGE_NAMES]);
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
      const dir = path.join(run, stage, 'runs');
      const events = fs.readdirSync(dir).flatMap((f) => readTensorBoardEvents(path.join(dir, f)));
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
    const md = fs.readFileSync(path.join(run, 'report.md'), 'utf8');
    const html = fs.readFileSync(path.join(run, 'report.html'), 'utf8');
    const fromMd = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]!);
    const fromHtml = [...html.matchAll(/<img src="([^"]+)"/g)].map((m) => m[1]!);
    const drawn = [
      ...fs
        .readdirSync(path.join(run, 'report'))
        .filter((f) => f.endsWith('.png'))
        .map((f) => `report/${f}`),
      ...fs.readdirSync(path.join(run, 'report', 'replays')).map((f) => `report/replays/${f}`),
    ];
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

  it('refuses a bad config before any work, naming the key path', async () => {
    const bad = path.join(root, 'bad.yaml');
    const out = path.join(root, 'never');
    fs.writeFileSync(bad, 'sft:\n  learning_rat: 0.1\n');
    expect(await guinav('pipeline', '--config', bad, '--out', out)).toBe(1);
    expect(stderr()).toMatch(/unknown key "sft\.learning_rat"/);
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
