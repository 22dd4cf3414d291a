import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModel, readAdapterConfig, TINY_VLM_RECIPE } from '@guinav/trainer-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliHarness } from '../../test-utils/cli-harness.js';

const FIXTURES = path.resolve(import.meta.dirname, '..', '..', '..', '..', '..', 'test-fixtures');
const MODEL = path.join(FIXTURES, 'models', 'qwen2');
const SCREENS = path.join(FIXTURES, 'worlds', 'mini', 'images');
const { guinav, stderr } = cliHarness();

const temps: string[] = [];
function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-cli-train-'));
  temps.push(d);
  return d;
}
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const jsonl = (rows: unknown[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;
const metrics = (dir: string) =>
  fs
    .readFileSync(path.join(dir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, number>);

function data(dir: string) {
  const sft = path.join(dir, 'sft.jsonl');
  fs.writeFileSync(
    sft,
    jsonl(
      ['a', 'b', 'c', 'd'].map((x) => ({
        messages: [
          { role: 'user', content: `say ${x}` },
          { role: 'assistant', content: x },
        ],
      })),
    ),
  );
  const dpo = path.join(dir, 'dpo.jsonl');
  fs.writeFileSync(dpo, jsonl(['a', 'b', 'c', 'd'].map((x) => ({ prompt: `say ${x}`, chosen: x, rejected: 'z' }))));
  return { sft, dpo };
}

describe('guinav train', () => {
  it('sft: trains a model folder, logs TRL keys, and writes a final model that loads again', async () => {
    const dir = tempDir();
    const { sft } = data(dir);
    const out = path.join(dir, 'sft');
    const code = await guinav(
      'train',
      'sft',
      '--model',
      MODEL,
      '--dataset',
      sft,
      '--output-dir',
      out,
      '--max_steps',
      '3',
      '--logging-steps',
      '1',
      '--per-device-train-batch-size',
      '2',
      '--learning-rate',
      '0.01',
      '--device',
      'cpu',
    );
    expect(code, stderr()).toBe(0);
    const logs = metrics(out);
    expect(logs.map((r) => r.step)).toEqual([1, 2, 3]);
    expect(logs[0]).toHaveProperty('mean_token_accuracy');
    const loaded = await loadModel(path.join(out, 'final_model'));
    expect(loaded.tokenizer).toBeDefined();
    loaded.model.dispose();
  });

  it('dpo from an SFT adapter: the adapter is merged into the reference, and the first loss is ln 2', async () => {
    const dir = tempDir();
    const { sft, dpo } = data(dir);
    const sftOut = path.join(dir, 'sft-lora');
    const common = ['--model', MODEL, '--device', 'cpu', '--logging-steps', '1', '--use-peft', '--lora-r', '4'];
    expect(
      await guinav(
        'train',
        'sft',
        ...common,
        '--dataset',
        sft,
        '--output-dir',
        sftOut,
        '--max-steps',
        '2',
        '--learning-rate',
        '0.05',
      ),
    ).toBe(0);
    const dpoOut = path.join(dir, 'dpo-lora');
    const code = await guinav(
      'train',
      'dpo',
      ...common,
      '--dataset',
      dpo,
      '--adapter',
      path.join(sftOut, 'final_model'),
      '--output-dir',
      dpoOut,
      '--max-steps',
      '1',
    );
    expect(code, stderr()).toBe(0);
    // The new adapter sits on the merged SFT model, which is also DPO's reference: at step 1 policy = reference.
    expect(readAdapterConfig(path.join(dpoOut, 'final_model')).base_model_name_or_path).toBe(
      path.resolve(dpoOut, 'sft_merged'),
    );
    expect(metrics(dpoOut)[0]!.loss).toBeCloseTo(Math.LN2, 5);
  });

  it('dpo --precompute-ref-log-probs: one reference pass before training, then the same losses and metrics', async () => {
    const dir = tempDir();
    const { dpo } = data(dir);
    const run = async (name: string, ...extra: string[]) => {
      const out = path.join(dir, name);
      const code = await guinav(
        'train',
        'dpo',
        '--model',
        MODEL,
        '--dataset',
        dpo,
        '--eval-dataset',
        dpo,
        '--output-dir',
        out,
        '--max-steps',
        '3',
        '--logging-steps',
        '1',
        '--eval-strategy',
        'steps',
        '--eval-steps',
        '3',
        '--per-device-train-batch-size',
        '2',
        '--learning-rate',
        '0.01',
        '--save-strategy',
        'no',
        '--device',
        'cpu',
        ...extra,
      );
      expect(code, stderr()).toBe(0);
      return metrics(out);
    };
    const live = await run('live');
    // Another batch size for the pass: a pair's log-probs do not depend on its batch mates.
    const precomputed = await run('precomputed', '--precompute-ref-log-probs', '--precompute-ref-batch-size', '3');
    expect(stderr()).toMatch(/reference log-probs \(train\)/);
    expect(stderr()).toMatch(/reference log-probs \(eval\)/);
    expect(precomputed).toHaveLength(live.length);
    const keys = /^(eval_)?(loss|grad_norm|rewards\/|logps\/|logits\/)/;
    live.forEach((row, i) => {
      const compared = Object.keys(row).filter((k) => keys.test(k));
      expect(compared.length).toBeGreaterThan(5);
      for (const k of compared) expect(precomputed[i]![k], `row ${i} ${k}`).toBeCloseTo(row[k]!, 4);
    });
    expect(live.some((r) => r.eval_loss !== undefined)).toBe(true);
    expect(live.at(-1)!['rewards/margins']).not.toBeCloseTo(0, 4);
  });

  it('sft --quantize nf4 trains LoRA on a 4-bit base (QLoRA) and refuses it without use_peft', async () => {
    const dir = tempDir();
    const { sft } = data(dir);
    const out = path.join(dir, 'qlora');
    const args = ['--model', MODEL, '--dataset', sft, '--device', 'cpu', '--quantize', 'nf4', '--max-steps', '2'];
    expect(await guinav('train', 'sft', ...args, '--output-dir', out)).toBe(1);
    expect(stderr()).toMatch(/quantize nf4: .*set use_peft true/);
    const code = await guinav('train', 'sft', ...args, '--output-dir', out, '--use-peft', '--logging-steps', '1');
    expect(code, stderr()).toBe(0);
    const logs = metrics(out);
    expect(logs.every((r) => Number.isFinite(r.loss))).toBe(true);
    expect(readAdapterConfig(path.join(out, 'final_model')).base_model_name_or_path).toBe(path.resolve(MODEL));
  });

  it('refuses unknown config keys and bad values before any work, naming the key', async () => {
    const dir = tempDir();
    const { sft } = data(dir);
    const config = path.join(dir, 'sft.yaml');
    fs.writeFileSync(config, 'max_step: 4\n');
    expect(await guinav('train', 'sft', '--model', MODEL, '--dataset', sft, '--config', config)).toBe(1);
    expect(stderr()).toMatch(/sft\.yaml \(with the command-line flags\): unknown key "max_step"/);
    expect(await guinav('train', 'sft', '--model', MODEL, '--dataset', sft, '--learning-rate', 'fast')).not.toBe(0);
    expect(stderr()).toMatch(/expected a number for --learning-rate/);
    expect(fs.existsSync(path.join('runs', 'train-sft'))).toBe(false);
  });

  it('trains the built-in tiny VLM by default on GE-Lab image records, SFT then DPO from its final model', async () => {
    const dir = tempDir();
    const answer = (page: string) =>
      `Explain:click Hotel_1 icon on ${page}.\tAction: click(start_box='<|box_start|>(300,260)<|box_end|>')`;
    const records = ['page_1', 'page_2', 'page_3'].map((page) => ({
      messages: [
        { role: 'user', content: `<image>Instruction: from ${page} to page_0. History: Null` },
        { role: 'assistant', content: answer(page) },
      ],
      images: [path.join(SCREENS, `${page}.png`)],
    }));
    const sft = path.join(dir, 'sft.json');
    fs.writeFileSync(sft, JSON.stringify(records));
    const out = path.join(dir, 'sft');
    const code = await guinav(
      'train',
      'sft',
      '--dataset',
      sft,
      '--output-dir',
      out,
      '--max-steps',
      '2',
      '--logging-steps',
      '1',
      '--per-device-train-batch-size',
      '2',
      '--device',
      'cpu',
    );
    expect(code, stderr()).toBe(0);
    expect(fs.existsSync(path.join(out, 'base_model', 'processor_config.json'))).toBe(true);
    for (const f of [
      'config.json',
      'model.safetensors',
      'tokenizer.json',
      'preprocessor_config.json',
      'processor_config.json',
    ]) {
      expect(fs.existsSync(path.join(out, 'final_model', f)), f).toBe(true);
    }
    // The tiny VLM's recipe applies when no model and no learning rate were given (after 1 warmup step).
    expect(metrics(out)[0]!.learning_rate).toBeCloseTo(TINY_VLM_RECIPE.sft.learning_rate, 10);
    const dpo = path.join(dir, 'dpo.jsonl');
    fs.writeFileSync(
      dpo,
      jsonl(
        records.map((r) => ({
          prompt: r.messages[0]!.content,
          chosen: r.messages[1]!.content,
          rejected: 'Explain: this is target page.\tAction: complete',
          images: r.images,
        })),
      ),
    );
    const trainDpo = async (name: string, ...extra: string[]) => {
      const dpoOut = path.join(dir, name);
      const code = await guinav(
        'train',
        'dpo',
        '--model',
        path.join(out, 'final_model'),
        '--dataset',
        dpo,
        '--output-dir',
        dpoOut,
        '--max-steps',
        '1',
        '--logging-steps',
        '1',
        '--device',
        'cpu',
        ...extra,
      );
      expect(code, stderr()).toBe(0);
      return metrics(dpoOut)[0]!;
    };
    // The reference is a frozen copy of the SFT model: step 1 starts at ln 2.
    const live = await trainDpo('dpo');
    expect(live.loss).toBeCloseTo(Math.LN2, 5);
    // Precomputed from the screenshots before training, the reference log-probs are the policy's at step 1 too.
    const precomputed = await trainDpo('dpo-precomputed', '--precompute-ref-log-probs');
    expect(precomputed.loss).toBeCloseTo(Math.LN2, 5);
    expect(precomputed['logps/chosen']).toBeCloseTo(live['logps/chosen']!, 3);
  });
});
