import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CausalLM } from '../models/causal-lm.js';
import { loadLlava } from '../models/llava/load.js';
import type { LlavaForConditionalGeneration } from '../models/llava/modeling.js';
import { LlavaProcessor } from '../models/llava/processor.js';
import { loadModel } from '../models/load.js';
import type { AttentionInputs } from '../nn/attention.js';
import { Module } from '../nn/module.js';
import { tensor } from '../ops/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { describeEachBackend } from '../test-utils/backends.js';
import { miniScreenshot } from '../test-utils/micro-vlm.js';
import { MODEL_FIXTURES } from '../test-utils/model-fixtures.js';
import { BatchItemFailure, GenerationBatcher } from './batcher.js';
import { type GenerationRequest, type GenerationResult, generate } from './generate.js';

describeEachBackend('generate (tiny LLaVA fixture)', () => {
  let model: LlavaForConditionalGeneration;
  let processor: LlavaProcessor;
  let prompts: GenerationRequest[];
  beforeAll(async () => {
    model = (await loadLlava(path.join(MODEL_FIXTURES, 'llava'))).model;
    processor = LlavaProcessor.fromFolder(path.join(MODEL_FIXTURES, 'llava'));
    const texts = [
      'Instruction: from page_3 to page_12. History: Null',
      'Instruction: from page_1 to page_2. History: step1: click home icon on page_9.step2: click back icon on page_0.',
      'Hi',
    ];
    prompts = await Promise.all(
      texts.map((text, i) =>
        processor.process(
          processor.applyChatTemplate([{ role: 'user', content: [{ type: 'image' }, { type: 'text', text }] }]),
          [miniScreenshot(i + 1)],
        ),
      ),
    );
  });
  afterAll(() => model.dispose());
  const base = () => ({ maxNewTokens: 8, suppressTokenIds: [processor.imageTokenId], tokenizer: processor.tokenizer });

  it('greedy with the KV cache equals greedy recomputing the whole sequence each step (batched, padded)', async () => {
    const cached = await generate(model, prompts, base());
    const recomputed = await generate(model, prompts, { ...base(), useCache: false });
    expect(cached.map((r) => r.tokens)).toEqual(recomputed.map((r) => r.tokens));
    expect(cached.every((r) => r.tokens.length === 8 && r.finishReason === 'length')).toBe(true);
    expect(new Set(cached.map((r) => r.tokens.join())).size).toBeGreaterThan(1);
  });

  it('batched equals unbatched, for greedy and for seeded sampling', async () => {
    for (const options of [base(), { ...base(), temperature: 1.2, topK: 8, seed: 5 }]) {
      const batched = await generate(model, prompts, options);
      const single = await Promise.all(prompts.map((p) => generate(model, [p], options)));
      expect(batched.map((r) => r.tokens)).toEqual(single.map((r) => r[0]!.tokens));
    }
  });

  it('a row with its own sampling settings gets what it would alone, beside greedy rows', async () => {
    const sampled = { temperature: 1.3, topP: 0.9, maxNewTokens: 6 };
    const mixed = await generate(
      model,
      [prompts[0]!, { ...prompts[1]!, seed: 3, options: sampled }, prompts[2]!],
      base(),
    );
    const [alone] = await generate(model, [{ ...prompts[1]!, seed: 3 }], { ...base(), ...sampled });
    const greedy = await generate(model, [prompts[0]!, prompts[2]!], base());
    expect(mixed[1]).toEqual(alone);
    expect([mixed[0], mixed[2]]).toEqual(greedy);
  });

  it('samples reproducibly: the same seed gives the same tokens, another seed others', async () => {
    const sample = (seed: number) => generate(model, prompts, { ...base(), temperature: 1.5, seed, maxNewTokens: 12 });
    const a = await sample(1);
    expect(await sample(1)).toEqual(a);
    expect((await sample(2)).map((r) => r.tokens)).not.toEqual(a.map((r) => r.tokens));
  });
});

describeEachBackend('generate (text decoders)', () => {
  it('cache and no cache agree for Llama (GQA, llama3 RoPE) and Gemma 3 (a 4-key sliding window)', async () => {
    const prompts = [{ ids: [1, 2, 3, 4, 5, 6] }, { ids: [7, 8] }, { ids: [9, 10, 11, 12] }];
    for (const name of ['llama', 'gemma3_text']) {
      const { model } = await loadModel(path.join(MODEL_FIXTURES, name), { tokenizer: false });
      const cached = await generate(model, prompts, { maxNewTokens: 6 });
      const plain = await generate(model, prompts, { maxNewTokens: 6, useCache: false });
      const alone = await Promise.all(prompts.map((p) => generate(model, [p], { maxNewTokens: 6 })));
      expect(cached.map((r) => r.tokens)).toEqual(plain.map((r) => r.tokens));
      expect(cached.map((r) => r.tokens)).toEqual(alone.map((r) => r[0]!.tokens));
      model.dispose();
    }
  });
});

/** Emits `script[i]` as the i-th generated token (one-hot logits), whatever the input. */
class ScriptedLM extends Module implements CausalLM {
  readonly config;
  calls: { t: number; cached: boolean }[] = [];

  constructor(
    private readonly script: number[],
    private readonly promptLength: number,
    vocab = 8,
  ) {
    super();
    this.config = {
      modelType: 'scripted',
      vocabSize: vocab,
      hiddenSize: 1,
      intermediateSize: 1,
      numLayers: 0,
      numHeads: 1,
      numKvHeads: 1,
      headDim: 2,
      rmsNormEps: 1e-6,
      initializerRange: 0.02,
      tieWordEmbeddings: false,
      raw: {},
    };
  }

  forward(ids: Tensor, inputs: AttentionInputs = {}): Tensor {
    const [b, t] = ids.shape as [number, number];
    this.calls.push({ t, cached: inputs.kvCache !== undefined });
    const positions = inputs.positions!.dataSync();
    const vocab = this.config.vocabSize;
    const out = new Float32Array(b * t * vocab);
    for (let r = 0; r < b; r++)
      for (let j = 0; j < t; j++) {
        const next = positions[r * t + j]! + 1 - this.promptLength;
        out[(r * t + j) * vocab + (this.script[next] ?? 0)] = 10;
      }
    return tensor(out, [b, t, vocab], 'f32');
  }
}

const CHARS = 'abXY$EFG';
const charTokenizer = { decode: (ids: readonly number[]) => ids.map((i) => CHARS[i]).join('') };

describe('generate: ends of rows', () => {
  it('stops at a stop string spanning tokens and cuts the text before it', async () => {
    const lm = new ScriptedLM([0, 1, 2, 3, 0, 0], 2);
    const [r] = await generate(lm, [{ ids: [0, 0] }], { stopStrings: ['XY'], tokenizer: charTokenizer });
    expect(r).toEqual({ tokens: [0, 1, 2, 3], text: 'ab', finishReason: 'stop' });
  });

  it('stops at an end token (kept in tokens, not in text) and after maxNewTokens', async () => {
    const lm = new ScriptedLM([0, 1, 5, 0], 1);
    const opts = { eosTokenIds: [5], tokenizer: charTokenizer };
    expect((await generate(lm, [{ ids: [0] }], opts))[0]).toEqual({
      tokens: [0, 1, 5],
      text: 'ab',
      finishReason: 'eos',
    });
    const short = await generate(new ScriptedLM([0, 1, 5], 1), [{ ids: [0] }], { ...opts, maxNewTokens: 2 });
    expect(short[0]).toEqual({ tokens: [0, 1], text: 'ab', finishReason: 'length' });
  });

  it('feeds one token per step with the cache, and never generates a suppressed token', async () => {
    const lm = new ScriptedLM([4, 1, 5], 3);
    const [r] = await generate(lm, [{ ids: [0, 1, 2] }], { eosTokenIds: [5], suppressTokenIds: [4] });
    expect(r!.tokens[0]).not.toBe(4);
    expect(lm.calls.map((c) => c.t)).toEqual([3, 1, 1]);
    expect(lm.calls.every((c) => c.cached)).toBe(true);
  });

  it("honours each request's own token limit and stop strings in one batch", async () => {
    const lm = new ScriptedLM([0, 1, 2, 3, 0, 0], 1);
    const results = await generate(
      lm,
      [{ ids: [0] }, { ids: [0], options: { maxNewTokens: 2 } }, { ids: [0], options: { stopStrings: ['X'] } }],
      { maxNewTokens: 5, tokenizer: charTokenizer },
    );
    expect(results).toEqual([
      { tokens: [0, 1, 2, 3, 0], text: 'abXYa', finishReason: 'length' },
      { tokens: [0, 1], text: 'ab', finishReason: 'length' },
      { tokens: [0, 1, 2], text: 'ab', finishReason: 'stop' },
    ]);
    await expect(generate(lm, [{ ids: [0], options: { topP: 2 } }])).rejects.toThrow(/top-p must be in \(0, 1\]/);
  });

  it('refuses bad settings and prompts', async () => {
    const lm = new ScriptedLM([0], 1);
    await expect(generate(lm, [{ ids: [9] }])).rejects.toThrow(/token id 9, outside \[0, 8\)/);
    await expect(generate(lm, [{ ids: [] }])).rejects.toThrow(/prompt 0 has no tokens/);
    await expect(generate(lm, [{ ids: [1] }], { stopStrings: ['x'] })).rejects.toThrow(/stop strings need a tokenizer/);
    await expect(generate(lm, [{ ids: [1] }], { maxNewTokens: 0 })).rejects.toThrow(/maxNewTokens/);
  });
});

describe('GenerationBatcher', () => {
  it('runs requests that arrive together as one batch, later ones as the next', async () => {
    const run = vi.fn(async (qs: number[]) => qs.map((q) => q * 10));
    const batcher = new GenerationBatcher(run, { maxBatch: 3 });
    const first = await Promise.all([1, 2, 3, 4].map((q) => batcher.submit(q)));
    expect(first).toEqual([10, 20, 30, 40]);
    expect(run.mock.calls.map(([qs]) => qs)).toEqual([[1, 2, 3], [4]]);
    expect(await batcher.submit(5)).toBe(50);
    expect(batcher.batchSizes).toEqual([3, 1, 1]);
  });

  it('rejects every request of a failed batch and keeps serving', async () => {
    let fail = true;
    const batcher = new GenerationBatcher<number, GenerationResult>(async (qs) => {
      if (fail) throw new Error('out of memory');
      return qs.map(() => ({ tokens: [], finishReason: 'length' as const }));
    });
    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.submit(3)).resolves.toMatchObject({ finishReason: 'length' });
  });

  it('rejects only the request whose slot failed', async () => {
    const batcher = new GenerationBatcher<number, number>(async (qs) =>
      qs.map((q) => (q < 0 ? new BatchItemFailure(new Error(`bad ${q}`)) : q)),
    );
    const settled = await Promise.allSettled([batcher.submit(1), batcher.submit(-2), batcher.submit(3)]);
    expect(settled.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual([
      1,
      'Error: bad -2',
      3,
    ]);
  });
});
