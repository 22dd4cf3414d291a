import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LlamaForCausalLM } from '../models/llama/modeling.js';
import { IGNORE_INDEX } from '../ops/loss.js';
import { TrainingRng } from '../random/training-rng.js';
import { MICRO_LLAMA } from '../test-utils/micro-llama.js';
import { ExampleBatches } from './batches.js';
import { type CausalLMBatch, collateCausalLM, type TokenizedExample } from './causal-lm-batch.js';
import { listCheckpoints } from './checkpoint.js';
import { parseTrainingConfig, SftConfigSchema } from './config.js';
import { moduleTarget } from './module-target.js';
import { causalLMLogits, SftObjective } from './sft-objective.js';
import { Trainer, type TrainerEvent } from './trainer.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guinav-trainer-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
let runs = 0;

/** "prompt" tokens a, b then the completion: a+1, b+1 (mod 14), 15 as end; loss on the completion only. */
function examples(n: number, seed: number): TokenizedExample[] {
  const rng = new TrainingRng(seed);
  return Array.from({ length: n }, () => {
    const a = 1 + rng.int(13);
    const b = 1 + rng.int(13);
    const ids = Int32Array.from([a, b, 1 + (a % 14), 1 + (b % 14), 15]);
    const labels = Int32Array.from([IGNORE_INDEX, IGNORE_INDEX, ids[2]!, ids[3]!, 15]);
    return { inputIds: ids, labels };
  });
}

function setup(overrides: Record<string, unknown>, data = examples(24, 1)) {
  const config = parseTrainingConfig(SftConfigSchema, {
    output_dir: path.join(root, `run-${runs++}`),
    learning_rate: 1e-2,
    per_device_train_batch_size: 4,
    logging_steps: 1,
    save_steps: 1000,
    ...overrides,
  });
  const model = new LlamaForCausalLM(MICRO_LLAMA, { seed: 3 });
  const batches = new ExampleBatches(data, (es) => collateCausalLM(es, { padId: 0 }), {
    batchSize: config.per_device_train_batch_size,
    seed: config.seed,
  });
  return { config, model, batches };
}

function trainer(
  s: ReturnType<typeof setup>,
  extra: { signal?: AbortSignal; onEvent?: (e: TrainerEvent) => void } = {},
) {
  return new Trainer<CausalLMBatch>({
    config: s.config,
    target: moduleTarget(s.model),
    objective: new SftObjective(causalLMLogits(s.model)),
    train: s.batches,
    ...extra,
  });
}

const losses = (history: Record<string, number>[]) => history.filter((r) => 'loss' in r).map((r) => r.loss!);

describe('Trainer (SFT objective)', () => {
  it('learns, logs TRL keys to metrics.jsonl and TensorBoard, and writes checkpoints and the final model', async () => {
    const s = setup({ max_steps: 60, save_steps: 20, save_total_limit: 2, logging_steps: 10, learning_rate: 3e-2 });
    const result = await trainer(s).run();
    expect(result.status).toBe('completed');
    const ls = losses(result.logHistory);
    expect(ls[0]).toBeGreaterThan(1);
    expect(ls.at(-1)).toBeLessThan(ls[0]! * 0.6);
    const acc = result.logHistory.map((r) => r.mean_token_accuracy!);
    expect(acc.at(-1)).toBeGreaterThan(acc[0]! + 0.2);
    const last = result.logHistory.at(-1)!;
    expect(Object.keys(last).sort()).toEqual(
      ['epoch', 'grad_norm', 'learning_rate', 'loss', 'mean_token_accuracy', 'num_tokens', 'step'].sort(),
    );
    expect(last.step).toBe(60);
    expect(last.epoch).toBeCloseTo(60 / 6, 10);
    // 60 steps x 4 examples x 5 tokens.
    expect(last.num_tokens).toBe(1200);
    // Linear decay to 0 after the last step, logged as the next step's rate (as transformers does).
    expect(last.learning_rate).toBe(0);
    const out = s.config.output_dir;
    const jsonl = fs
      .readFileSync(path.join(out, 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(jsonl.map((r) => r.step)).toEqual([10, 20, 30, 40, 50, 60]);
    expect(fs.readdirSync(path.join(out, 'runs')).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    expect(listCheckpoints(out).map((c) => c.step)).toEqual([40, 60]);
    for (const f of [
      'model.safetensors',
      'optimizer.safetensors',
      'optimizer.json',
      'trainer_state.json',
      'scheduler.json',
      'rng_state.json',
    ]) {
      expect(fs.existsSync(path.join(out, 'checkpoint-60', f)), f).toBe(true);
    }
    const state = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint-60', 'trainer_state.json'), 'utf8'));
    expect(state).toMatchObject({ global_step: 60, max_steps: 60, logging_steps: 10, train_batch_size: 4 });
    expect(fs.existsSync(path.join(out, 'final_model', 'model.safetensors'))).toBe(true);
    expect(fs.readdirSync(out).filter((f) => f.includes('staging'))).toEqual([]);
    s.model.dispose();
  });

  it('resumes exactly: the loss curve after resuming equals an uninterrupted run, step for step', async () => {
    const straight = setup({ max_steps: 8 });
    const full = losses((await trainer(straight).run()).logHistory);
    straight.model.dispose();
    // Stop after step 4 (as Ctrl-C would), then resume in a new process-like Trainer.
    const first = setup({ max_steps: 8 });
    const controller = new AbortController();
    const stopped = await trainer(first, {
      signal: controller.signal,
      onEvent: (e) => {
        if (e.type === 'step' && e.step === 4) controller.abort();
      },
    }).run();
    expect(stopped.status).toBe('interrupted');
    expect(path.basename(stopped.dir)).toBe('checkpoint-4');
    first.model.dispose();
    const second = setup({ max_steps: 8, output_dir: first.config.output_dir, resume_from_checkpoint: 'latest' });
    const resumed = await trainer(second).run();
    expect(resumed.status).toBe('completed');
    expect(losses(resumed.logHistory)).toEqual(full);
    second.model.dispose();
  });

  it('accumulates gradients: batch 4 equals 2 micro-batches of 2 (equal token counts)', async () => {
    const a = setup({ max_steps: 3, per_device_train_batch_size: 4 });
    const b = setup({ max_steps: 3, per_device_train_batch_size: 2, gradient_accumulation_steps: 2 });
    // Same example order: no shuffle differences, so give both the same 12 examples in order.
    const data = examples(12, 5);
    const order = { seed: 1, shuffle: false };
    a.batches = new ExampleBatches(data, (es) => collateCausalLM(es, { padId: 0 }), { ...order, batchSize: 4 });
    b.batches = new ExampleBatches(data, (es) => collateCausalLM(es, { padId: 0 }), { ...order, batchSize: 2 });
    const la = losses((await trainer(a).run()).logHistory);
    const lb = losses((await trainer(b).run()).logHistory);
    la.forEach((v, i) => {
      expect(lb[i]).toBeCloseTo(v, 5);
    });
    a.model.dispose();
    b.model.dispose();
  });

  it('logs extra eval metrics, stops early as EarlyStoppingCallback and ends with the best checkpoint', async () => {
    const scripted = [0.5, 0.7, 0.6, 0.65, 0.9, 0.95];
    const s = setup({
      max_steps: 6,
      eval_strategy: 'steps',
      eval_steps: 1,
      save_steps: 1,
      load_best_model_at_end: true,
      metric_for_best_model: 'step_accuracy',
      early_stopping_patience: 2,
    });
    let calls = 0;
    const result = await new Trainer<CausalLMBatch>({
      config: s.config,
      target: moduleTarget(s.model),
      objective: new SftObjective(causalLMLogits(s.model)),
      train: s.batches,
      evalMetrics: async () => ({ step_accuracy: scripted[calls++]! }),
    }).run();
    // 0.6 and 0.65 do not beat 0.7: the second of them exhausts the patience at step 4.
    expect(result.stoppedEarly).toBe(true);
    expect(result.globalStep).toBe(4);
    expect(result.bestMetric).toBe(0.7);
    expect(path.basename(result.bestModelCheckpoint!)).toBe('checkpoint-2');
    const evals = result.logHistory.filter((r) => 'eval_step_accuracy' in r);
    expect(evals.map((r) => [r.step, r.eval_step_accuracy])).toEqual([
      [1, 0.5],
      [2, 0.7],
      [3, 0.6],
      [4, 0.65],
    ]);
    const state = JSON.parse(
      fs.readFileSync(path.join(s.config.output_dir, 'checkpoint-4', 'trainer_state.json'), 'utf8'),
    );
    expect(state.stateful_callbacks.EarlyStoppingCallback).toEqual({
      args: { early_stopping_patience: 2, early_stopping_threshold: 0 },
      attributes: { early_stopping_patience_counter: 2 },
    });
    const weights = (dir: string) => fs.readFileSync(path.join(s.config.output_dir, dir, 'model.safetensors'));
    expect(weights('final_model').equals(weights('checkpoint-2'))).toBe(true);
    expect(weights('final_model').equals(weights('checkpoint-4'))).toBe(false);
    s.model.dispose();
  });

  it('counts an improvement within early_stopping_threshold as none', async () => {
    const scripted = [0.5, 0.52, 0.53];
    const s = setup({
      max_steps: 5,
      eval_strategy: 'steps',
      eval_steps: 1,
      save_steps: 1,
      load_best_model_at_end: true,
      metric_for_best_model: 'step_accuracy',
      early_stopping_patience: 2,
      early_stopping_threshold: 0.05,
    });
    let calls = 0;
    const result = await new Trainer<CausalLMBatch>({
      config: s.config,
      target: moduleTarget(s.model),
      objective: new SftObjective(causalLMLogits(s.model)),
      train: s.batches,
      evalMetrics: async () => ({ step_accuracy: scripted[calls++]! }),
    }).run();
    expect(result.globalStep).toBe(3);
    // The best still moves on a small gain (transformers tracks it apart from the patience).
    expect(result.bestMetric).toBe(0.53);
    s.model.dispose();
    expect(() => trainer(setup({ early_stopping_patience: 1 }))).toThrow(
      'early_stopping_patience needs load_best_model_at_end',
    );
  });

  it('stops with a clear message when the loss goes non-finite, naming the last good checkpoint', async () => {
    const s = setup({ max_steps: 20, learning_rate: 1e30, max_grad_norm: null, save_steps: 1 });
    await expect(trainer(s).run()).rejects.toThrow(
      /training diverged at step \d+ \(loss = (NaN|Infinity).*the last good checkpoint is .*checkpoint-\d+\. Lower learning_rate/,
    );
    s.model.dispose();
  });
});

describe('training config', () => {
  it('fills TRL defaults and names unknown keys and wrong types with their path', () => {
    const c = parseTrainingConfig(SftConfigSchema, { output_dir: 'out' });
    expect(c).toMatchObject({ learning_rate: 1e-4, per_device_train_batch_size: 2, lora_r: 16, max_steps: -1 });
    expect(() => parseTrainingConfig(SftConfigSchema, { output_dir: 'o', max_step: 4 }, 'sft.yaml')).toThrow(
      'sft.yaml: unknown key "max_step"',
    );
    expect(() => parseTrainingConfig(SftConfigSchema, { output_dir: 'o', learning_rate: 'high' }, 'sft.yaml')).toThrow(
      /sft\.yaml: field "learning_rate"/,
    );
    expect(() => parseTrainingConfig(SftConfigSchema, { output_dir: 'o', lora_target_modules: [] }, 'x')).toThrow(
      /field "lora_target_modules"/,
    );
  });
});
