/** What the DPO tests share: a micro Llama (vocab 16), the plain collate, and a temp folder per file. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseLlamaConfig } from '@guinav/trainer-core';
import { afterAll } from 'vitest';
import { collatePreference, type PreferenceExample } from '../preference-batch.js';

export const MICRO_LLAMA = parseLlamaConfig({
  vocab_size: 16,
  hidden_size: 16,
  intermediate_size: 32,
  num_hidden_layers: 1,
  num_attention_heads: 2,
});

export const collate = (es: PreferenceExample[]) => collatePreference(es, { padId: 0 });

/** A temp folder removed after the file's tests. */
export function tempRoot(prefix: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}
