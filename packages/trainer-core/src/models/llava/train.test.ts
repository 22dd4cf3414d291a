import path from 'node:path';
import { expect, it } from 'vitest';
import { generate } from '../../generate/generate.js';
import { sum } from '../../ops/reduce.js';
import { readScalars } from '../../ops/transfer.js';
import { AdamW } from '../../optim/adamw.js';
import { tidy } from '../../tensor/scope.js';
import { describeEachBackend } from '../../test-utils/backends.js';
import { MICRO_VLM, miniScreenshot } from '../../test-utils/micro-vlm.js';
import { tempDirs } from '../../test-utils/temp-dirs.js';
import { SftObjective } from '../../train/sft-objective.js';
import { createTinyVlm } from '../tiny-vlm/create.js';
import { collateVisionLM, visionLMLogits } from './batch.js';
import { LlavaProcessor } from './processor.js';

const PAGE = miniScreenshot(3);
const tmp = tempDirs('guinav-vlm-train-');
const ANSWER =
  "Explain:click Shopping_41 icon on page_3.\tAction: click(start_box='<|box_start|>(207,582)<|box_end|>')";

describeEachBackend(
  'tiny VLM training',
  (b) => {
    it('gives every parameter a gradient, then overfits one screenshot -> action pair in 60 AdamW steps and then generates it exactly', async () => {
      const dir = path.join(tmp(), b.case.name);
      const { model } = await createTinyVlm({ dir, size: MICRO_VLM, seed: 2 });
      const processor = LlavaProcessor.fromFolder(dir);
      const messages = [{ role: 'user', content: '<image>Instruction: from page_3 to page_12. History: Null' }];
      const ex = await processor.supervisedExample(messages, ANSWER, [PAGE]);
      // The Trainer's path: collated batch, the SFT objective (completion-only loss) on the VLM's logits.
      const batch = collateVisionLM([ex], {
        padId: processor.tokenizer.specialTokens.pad!.id,
        imageTokenId: processor.imageTokenId,
        tokensPerImage: processor.tokensPerImage,
      });
      const objective = new SftObjective(visionLMLogits(model));
      const step = () =>
        tidy(() => {
          const { loss, metrics } = objective.forward(batch);
          loss.backward();
          return { loss: loss.detach(), accuracy: metrics.mean_token_accuracy!.detach() };
        });

      const first = await readScalars(step());
      const noGrad = model
        .namedParameters()
        .filter(([, t]) => !t.grad || (t.grad.dataSync() as Float32Array).every((g) => g === 0))
        .map(([name]) => name);
      // LLaVA reads the last vision layer before post_layernorm (as transformers does), so only
      // post_layernorm is left without a gradient.
      expect(noGrad).toEqual([
        'vision_tower.vision_model.post_layernorm.weight',
        'vision_tower.vision_model.post_layernorm.bias',
      ]);
      expect(first.loss).toBeGreaterThan(5);

      const opt = new AdamW(model.namedParameters(), { lr: 5e-3, weightDecay: 0 });
      opt.step();
      opt.zeroGrad();
      let last = first;
      for (let i = 0; i < 59; i++) {
        last = await readScalars(step());
        opt.step();
        opt.zeroGrad();
      }
      expect(last.loss).toBeLessThan(0.1);
      expect(last.accuracy).toBe(1);

      const prompt = [...ex.inputIds.subarray(0, ex.promptLength)];
      const [reply] = await generate(model, [{ ids: prompt, pixelValues: ex.pixelValues }], {
        maxNewTokens: 40,
        eosTokenIds: [processor.eosTokenId!],
        suppressTokenIds: [processor.imageTokenId],
        tokenizer: processor.tokenizer,
      });
      expect(reply).toMatchObject({ text: ANSWER, finishReason: 'eos' });
      opt.dispose();
      model.dispose();
    });
  },
  (c) => c.name === 'cpu-fast',
);

it('imageRows: a screenshot shared by two rows, encoded once, gives the logits and gradients of it given twice', async () => {
  const dir = path.join(tmp(), 'shared-image');
  const { model } = await createTinyVlm({ dir, size: MICRO_VLM, seed: 4 });
  const processor = LlavaProcessor.fromFolder(dir);
  const messages = [{ role: 'user', content: '<image>Instruction: from page_3 to page_12. History: Null' }];
  const examples = await Promise.all(
    [ANSWER, 'Explain: this is target page.\tAction: complete'].map((a) =>
      processor.supervisedExample(messages, a, [PAGE]),
    ),
  );
  const twice = collateVisionLM(examples, {
    padId: processor.tokenizer.specialTokens.pad!.id,
    imageTokenId: processor.imageTokenId,
    tokensPerImage: processor.tokensPerImage,
  });
  const pixels = twice.pixelValues!;
  const perImage = pixels.data.length / 2;
  const once = {
    ...twice,
    pixelValues: { data: pixels.data.slice(0, perImage), shape: [1, ...pixels.shape.slice(1)] },
    imageRows: Int32Array.of(0, 0),
  };
  const run = (batch: typeof twice) => {
    const logits = tidy(() => {
      const out = visionLMLogits(model)(batch);
      sum(out).backward();
      return out.detach();
    });
    const values = logits.dataSync() as Float32Array;
    logits.dispose();
    const grads = model.namedParameters().map(([name, p]) => {
      const g = p.grad ? Float32Array.from(p.grad.dataSync() as Float32Array) : new Float32Array();
      p.grad?.dispose();
      p.grad = null;
      return [name, g] as const;
    });
    return { values, grads };
  };
  const a = run(twice);
  const b = run(once);
  const close = (x: Float32Array, y: Float32Array) =>
    x.every((v, i) => Math.abs(v - y[i]!) <= 1e-4 * (1 + Math.abs(v)));
  expect(close(a.values, b.values)).toBe(true);
  for (const [i, [name, g]] of a.grads.entries()) expect(close(g, b.grads[i]![1]), name).toBe(true);
  // The patch embedding's gradient is not zero: the test compares real gradients of the vision tower.
  const patch = a.grads.find(([name]) => name.includes('patch_embedding'))![1];
  expect(patch.some((v) => v !== 0)).toBe(true);
  expect(() => visionLMLogits(model)({ ...once, imageRows: Int32Array.of(0, 1) })).toThrow(/imageRows must index/);
  model.dispose();
});
