import path from 'node:path';
import { expect, it } from 'vitest';
import { generate } from '../../generate/generate.js';
import { tensor } from '../../ops/create.js';
import { crossEntropy } from '../../ops/loss.js';
import { readScalars } from '../../ops/transfer.js';
import { AdamW } from '../../optim/adamw.js';
import { tidy } from '../../tensor/scope.js';
import { describeEachBackend } from '../../test-utils/backends.js';
import { MICRO_VLM, miniScreenshot } from '../../test-utils/micro-vlm.js';
import { tempDirs } from '../../test-utils/temp-dirs.js';
import { createTinyVlm } from '../tiny-vlm/create.js';
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
      const n = ex.ids.length;
      const step = () =>
        tidy(() => {
          const logits = model.forward(tensor(Int32Array.from(ex.ids), [1, n], 'i32'), {
            pixelValues: tensor(ex.pixelValues!.data, ex.pixelValues!.shape, 'f32'),
            hostIds: Int32Array.from(ex.ids),
          });
          const { loss, accuracy } = crossEntropy(logits, tensor(Int32Array.from(ex.labels), [1, n], 'i32'));
          loss.backward();
          return { loss: loss.detach(), accuracy: accuracy.detach() };
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

      const [reply] = await generate(model, [{ ids: ex.ids.slice(0, ex.promptLength), pixelValues: ex.pixelValues }], {
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
