import { describe, expect, it } from 'vitest';
import { noGrad } from '../autograd/grad-mode.js';
import type { CpuBackend } from '../backend/cpu/cpu-backend.js';
import { tensor } from '../ops/create.js';
import { crossEntropy, shiftLabels } from '../ops/loss.js';
import { AdamW } from '../optim/adamw.js';
import { clipGradNorm } from '../optim/clip.js';
import { Rng } from '../random/rng.js';
import { getBackend } from '../tensor/engine.js';
import { tidy } from '../tensor/scope.js';
import type { Tensor } from '../tensor/tensor.js';
import { parseDecoderConfig } from './config.js';
import { DecoderForCausalLM } from './decoder.js';

const config = parseDecoderConfig({
  vocab_size: 24,
  hidden_size: 32,
  intermediate_size: 48,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  rms_norm_eps: 1e-5,
});

function batch(seed: number, b: number, t: number): { ids: Tensor; labels: Tensor } {
  const rng = new Rng(seed);
  const data = new Int32Array(b * t).map(() => rng.int(config.vocabSize));
  return { ids: tensor(data, [b, t], 'i32'), labels: tensor(shiftLabels(data, b, t), [b, t], 'i32') };
}

function trainStep(model: DecoderForCausalLM, opt: AdamW, ids: Tensor, labels: Tensor): { loss: number; acc: number } {
  const out = tidy(() => {
    const { loss, accuracy } = crossEntropy(model.forward(ids), labels);
    loss.backward();
    return { loss: loss.itemSync(), acc: accuracy.itemSync() };
  });
  opt.step();
  opt.zeroGrad();
  return out;
}

describe('decoder training', () => {
  it('overfits a fixed batch to near-zero loss', () => {
    const model = new DecoderForCausalLM(config, { seed: 3 });
    const opt = new AdamW(model.namedParameters(), { lr: 1e-2, weightDecay: 0 });
    const { ids, labels } = batch(1, 2, 12);
    const first = trainStep(model, opt, ids, labels);
    expect(first.loss).toBeGreaterThan(Math.log(config.vocabSize) - 0.5);
    let last = first;
    for (let i = 0; i < 120; i++) last = trainStep(model, opt, ids, labels);
    expect(last.loss).toBeLessThan(0.05);
    expect(last.acc).toBe(1);
    for (const t of [ids, labels]) t.dispose();
    opt.dispose();
    model.dispose();
  });

  it('does not leak heap memory over training steps (with clipping and gradient accumulation)', async () => {
    const heap = (getBackend() as CpuBackend).heap;
    const model = new DecoderForCausalLM(config, { seed: 4 });
    const opt = new AdamW(model.namedParameters(), { lr: 1e-3 });
    const micro = [batch(2, 2, 8), batch(3, 2, 8)];
    const step = async () => {
      for (const { ids, labels } of micro) {
        tidy(() => crossEntropy(model.forward(ids), labels).loss.backward());
      }
      await clipGradNorm(model.parameters(), 1.0);
      opt.step();
      opt.zeroGrad();
      noGrad(() => model.forward(micro[0]!.ids)).dispose();
    };
    await step();
    await step();
    const after2 = heap.stats();
    for (let i = 0; i < 6; i++) await step();
    const after8 = heap.stats();
    expect(after8.liveBytes).toBe(after2.liveBytes);
    expect(after8.liveBlocks).toBe(after2.liveBlocks);
    expect(after8.highWaterBytes).toBe(after2.highWaterBytes);
    for (const { ids, labels } of micro) {
      ids.dispose();
      labels.dispose();
    }
    opt.dispose();
    model.dispose();
  });

  it('respects the key padding mask: padded positions do not change the other logits', () => {
    const model = new DecoderForCausalLM(config, { seed: 5 });
    tidy(() => {
      const ids = tensor(new Int32Array([0, 0, 5, 6, 7]), [1, 5], 'i32');
      const other = tensor(new Int32Array([9, 3, 5, 6, 7]), [1, 5], 'i32');
      const mask = tensor(new Int32Array([0, 0, 1, 1, 1]), [1, 5], 'i32');
      const pos = tensor(new Int32Array([0, 0, 0, 1, 2]), [1, 5], 'i32');
      const a = model
        .forward(ids, { attentionMask: mask, positions: pos })
        .toArray()
        .slice(2 * 24);
      const b = model
        .forward(other, { attentionMask: mask, positions: pos })
        .toArray()
        .slice(2 * 24);
      const plain = model.forward(tensor(new Int32Array([5, 6, 7]), [1, 3], 'i32')).toArray();
      expect(a).toEqual(b);
      a.forEach((v, i) => {
        expect(v).toBeCloseTo(plain[i]!, 5);
      });
    });
    model.dispose();
  });
});
