import path from 'node:path';
import { expect, it } from 'vitest';
import { generate } from '../../generate/generate.js';
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
