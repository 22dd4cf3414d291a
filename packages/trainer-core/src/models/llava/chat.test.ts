import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generate/generate.js';
import { miniScreenshot } from '../../test-utils/micro-vlm.js';
import { MODEL_FIXTURES } from '../../test-utils/model-fixtures.js';
import { LlavaChat } from './chat.js';

describe('LlavaChat', () => {
  it('answers concurrent prompts in one batch, each as it would alone', async () => {
    const chat = await LlavaChat.fromFolder(path.join(MODEL_FIXTURES, 'llava'), { generation: { maxNewTokens: 5 } });
    const prompts = [1, 2, 3].map((n) => ({
      messages: [{ role: 'user', content: `<image>Instruction: from page_${n} to page_0. History: Null` }],
      images: [miniScreenshot(n)],
    }));
    const replies = await Promise.all(prompts.map((p) => chat.respond(p)));
    expect(chat.batchSizes).toEqual([3]);
    const { processor, model } = chat;
    for (const [i, p] of prompts.entries()) {
      const { ids, pixelValues } = await processor.process(processor.applyChatTemplate(p.messages), p.images);
      const [alone] = await generate(model, [{ ids, pixelValues }], {
        maxNewTokens: 5,
        eosTokenIds: [processor.eosTokenId!],
        suppressTokenIds: [processor.imageTokenId],
        tokenizer: processor.tokenizer,
      });
      const { prompt, ...reply } = replies[i]!;
      expect(reply).toEqual({ ...alone, promptTokens: ids.length });
      // the prompt as the model saw it comes back with the reply (RL trains on it)
      expect(prompt.ids).toEqual(ids);
      expect(prompt.pixelValues).toEqual(pixelValues);
      expect(typeof replies[i]!.text).toBe('string');
    }
    const mixed = await Promise.allSettled([chat.respond(prompts[0]!), chat.respond({ ...prompts[1]!, images: [] })]);
    expect(mixed[0]).toEqual({ status: 'fulfilled', value: replies[0] });
    expect(mixed[1]!.status === 'rejected' && String(mixed[1]!.reason)).toMatch(/1 <image> placeholder\(s\) but 0/);
    expect(chat.batchSizes).toEqual([3, 2]);
    chat.dispose();
  });
});
