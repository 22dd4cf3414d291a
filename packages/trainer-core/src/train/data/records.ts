/**
 * Training records as users have them, normalised to prompt / completion conversations:
 * - ms-swift / GE-Lab: `{"messages": [{role, content}, ...], "images": [...]}` (the last message is
 *   the assistant's answer; everything before it is the prompt), as data-gen writes sft.json;
 * - TRL prompt-completion: `{"prompt": ..., "completion": ...}` (strings or message lists);
 * - preference pairs (TRL / data-gen dpo.jsonl): `{"prompt", "chosen", "rejected", "images"?}`.
 * Files are a JSON array (`.json`) or one object per line (`.jsonl`); every error names the file
 * and the record.
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { ChatMessage } from '../../tokenizer/types.js';

const Part = z.object({ type: z.string(), text: z.string().optional() }).loose();
const Message = z
  .object({ role: z.enum(['system', 'user', 'assistant']), content: z.union([z.string(), z.array(Part)]) })
  .loose();
const Turns = z.union([z.string(), z.array(Message).min(1)]);
const Images = z.array(z.string().min(1)).default([]);

const SwiftRecord = z.object({ messages: z.array(Message).min(2), images: Images }).loose();
const PromptCompletionRecord = z.object({ prompt: Turns, completion: Turns, images: Images }).loose();
const PreferenceRecord = z.object({ prompt: Turns, chosen: Turns, rejected: Turns, images: Images }).loose();

export interface PromptCompletion {
  prompt: ChatMessage[];
  /** The assistant turn(s) the loss is taken on. */
  completion: ChatMessage[];
  images: string[];
  /** `file#index`, for messages. */
  where: string;
}

export interface PreferencePair {
  prompt: ChatMessage[];
  chosen: ChatMessage[];
  rejected: ChatMessage[];
  images: string[];
  where: string;
}

/** The records of a `.json` array or `.jsonl` file (blank lines skipped). */
export function readRecords(file: string): unknown[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read (${(err as Error).message})`);
  }
  if (/\.jsonl$/i.test(file)) {
    return text.split('\n').flatMap((line, i) => {
      if (line.trim() === '') return [];
      try {
        return [JSON.parse(line)];
      } catch (err) {
        throw new Error(`${file}:${i + 1}: not valid JSON (${(err as Error).message})`);
      }
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(value))
    throw new Error(`${file}: expected a JSON array of records (or use .jsonl, one record per line)`);
  return value;
}

function issue(where: string, error: z.ZodError): Error {
  const i = error.issues[0]!;
  return new Error(`${where}: field "${i.path.join('.') || '(record)'}": ${i.message}`);
}

function turns(value: string | ChatMessage[], role: 'user' | 'assistant'): ChatMessage[] {
  return typeof value === 'string' ? [{ role, content: value }] : value;
}

/** A training record (ms-swift messages, or TRL prompt/completion) as a prompt and its completion. */
export function toPromptCompletion(record: unknown, where: string): PromptCompletion {
  if (record !== null && typeof record === 'object' && 'messages' in record) {
    const parsed = SwiftRecord.safeParse(record);
    if (!parsed.success) throw issue(where, parsed.error);
    const { messages, images } = parsed.data;
    const last = messages.at(-1)!;
    if (last.role !== 'assistant')
      throw new Error(`${where}: field "messages": the last message must be the assistant's answer`);
    return { prompt: messages.slice(0, -1) as ChatMessage[], completion: [last as ChatMessage], images, where };
  }
  const parsed = PromptCompletionRecord.safeParse(record);
  if (!parsed.success) {
    throw new Error(
      `${where}: expected {"messages": [...]} (ms-swift) or {"prompt", "completion"} (TRL); ${issue(where, parsed.error).message.slice(where.length + 2)}`,
    );
  }
  const r = parsed.data;
  return {
    prompt: turns(r.prompt as string | ChatMessage[], 'user'),
    completion: turns(r.completion as string | ChatMessage[], 'assistant'),
    images: r.images,
    where,
  };
}

export function toPreferencePair(record: unknown, where: string): PreferencePair {
  const parsed = PreferenceRecord.safeParse(record);
  if (!parsed.success) throw issue(where, parsed.error);
  const r = parsed.data;
  return {
    prompt: turns(r.prompt as string | ChatMessage[], 'user'),
    chosen: turns(r.chosen as string | ChatMessage[], 'assistant'),
    rejected: turns(r.rejected as string | ChatMessage[], 'assistant'),
    images: r.images,
    where,
  };
}

/** Every record of `file` as a prompt and completion. */
export function readPromptCompletions(file: string): PromptCompletion[] {
  return readRecords(file).map((r, i) => toPromptCompletion(r, `${file}#${i}`));
}

export function readPreferencePairs(file: string): PreferencePair[] {
  return readRecords(file).map((r, i) => toPreferencePair(r, `${file}#${i}`));
}
