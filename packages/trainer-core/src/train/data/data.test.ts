import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { IGNORE_INDEX } from '../../ops/loss.js';
import { MODEL_FIXTURES } from '../../test-utils/model-fixtures.js';
import { tempDirs } from '../../test-utils/temp-dirs.js';
import { loadTokenizer } from '../../tokenizer/files.js';
import { readPreferencePairs, readPromptCompletions, toPromptCompletion } from './records.js';
import { tokenizePreference, tokenizePromptCompletion } from './tokenize.js';

const tmp = tempDirs('guinav-train-data-');
// The qwen2 fixture's tokenizer has a ChatML template.
const tokenizer = loadTokenizer(path.join(MODEL_FIXTURES, 'qwen2'));

describe('training records', () => {
  it('reads GE-Lab / ms-swift records: the last message is the completion, the rest the prompt', () => {
    const dir = tmp();
    const file = path.join(dir, 'sft.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        {
          idx: 0,
          messages: [
            { role: 'user', content: '<image>Instruction: from page_1 to page_7. History: Null' },
            { role: 'assistant', content: 'Explain:click A icon on page_1.\tAction: complete' },
          ],
          images: ['/w/page_1.png'],
          source: 'sub0',
        },
      ]),
    );
    const [pc] = readPromptCompletions(file);
    expect(pc!.prompt).toEqual([{ role: 'user', content: '<image>Instruction: from page_1 to page_7. History: Null' }]);
    expect(pc!.completion[0]!.role).toBe('assistant');
    expect(pc!.images).toEqual(['/w/page_1.png']);
    expect(pc!.where).toBe(`${file}#0`);
  });

  it('reads TRL prompt/completion and preference JSONL, naming file and line in errors', () => {
    const dir = tmp();
    const file = path.join(dir, 'dpo.jsonl');
    fs.writeFileSync(file, `${JSON.stringify({ prompt: 'p', chosen: 'good', rejected: 'bad' })}\n\n`);
    expect(readPreferencePairs(file)[0]!.chosen).toEqual([{ role: 'assistant', content: 'good' }]);
    fs.writeFileSync(file, '{"prompt": "p", "chosen": "c"}\n{oops\n');
    expect(() => readPreferencePairs(file)).toThrow(`${file}:2: not valid JSON`);
    fs.writeFileSync(file, '{"prompt": "p", "chosen": "c"}\n');
    expect(() => readPreferencePairs(file)).toThrow(`${file}#0: field "rejected"`);
    expect(toPromptCompletion({ prompt: 'q', completion: 'a' }, 'x#0').completion).toEqual([
      { role: 'assistant', content: 'a' },
    ]);
    expect(() =>
      toPromptCompletion(
        {
          messages: [
            { role: 'user', content: 'a' },
            { role: 'user', content: 'b' },
          ],
        },
        'x#1',
      ),
    ).toThrow('x#1: field "messages": the last message must be the assistant\'s answer');
    expect(() => toPromptCompletion({ text: 'a' }, 'x#2')).toThrow(/x#2: expected \{"messages"/);
  });
});

describe('tokenizing prompt and completion (TRL)', () => {
  it('takes the loss on the completion only: the assistant turn and its end-of-turn tokens', () => {
    const pc = toPromptCompletion({ prompt: 'hi', completion: 'ok' }, 'r#0');
    const ex = tokenizePromptCompletion(tokenizer, pc);
    const promptIds = tokenizer.encodeChat(pc.prompt, { addGenerationPrompt: true });
    const full = tokenizer.encodeChat([...pc.prompt, ...pc.completion]);
    expect(Array.from(ex.inputIds)).toEqual(full);
    expect(Array.from(ex.labels.subarray(0, promptIds.length)).every((l) => l === IGNORE_INDEX)).toBe(true);
    expect(Array.from(ex.labels.subarray(promptIds.length))).toEqual(full.slice(promptIds.length));
    // ChatML: the completion is "ok<|im_end|>\n".
    expect(tokenizer.decode(full.slice(promptIds.length))).toBe('ok<|im_end|>\n');
  });

  it('splits preference pairs into one prompt and two completions', () => {
    const ids = tokenizePreference(tokenizer, {
      prompt: [{ role: 'user', content: 'q' }],
      chosen: [{ role: 'assistant', content: 'yes' }],
      rejected: [{ role: 'assistant', content: 'no' }],
      images: [],
      where: 'p#0',
    });
    expect(tokenizer.decode(Array.from(ids.chosen))).toBe('yes<|im_end|>\n');
    expect(tokenizer.decode(Array.from(ids.rejected))).toBe('no<|im_end|>\n');
    expect(tokenizer.decode(Array.from(ids.prompt)).endsWith('<|im_start|>assistant\n')).toBe(true);
  });
});
