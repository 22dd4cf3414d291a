/**
 * A tokenizer's files in a model folder, as transformers reads and writes them:
 * `tokenizer.json` (required: the fast tokenizer), `tokenizer_config.json` (special tokens,
 * decoding settings, the chat template in older folders), `chat_template.jinja` (the template
 * in newer ones; it wins), `chat_template.json` (a processor's template, LLaVA) and
 * `special_tokens_map.json` (older folders). Saving writes the files back unchanged.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sortedJson, writeTextFileAtomic } from '../io/files.js';
import { HfTokenizer } from './hf-tokenizer.js';
import type { Tokenizer, TokenizerFiles } from './types.js';

export const TOKENIZER_FILE = 'tokenizer.json';
export const TOKENIZER_CONFIG_FILE = 'tokenizer_config.json';
export const CHAT_TEMPLATE_FILE = 'chat_template.jinja';
const PROCESSOR_TEMPLATE_FILE = 'chat_template.json';
const SPECIAL_TOKENS_MAP_FILE = 'special_tokens_map.json';

const TOKENIZER_FILES = [
  TOKENIZER_FILE,
  TOKENIZER_CONFIG_FILE,
  CHAT_TEMPLATE_FILE,
  PROCESSOR_TEMPLATE_FILE,
  SPECIAL_TOKENS_MAP_FILE,
];

export function hasTokenizer(dir: string): boolean {
  return fs.existsSync(path.join(dir, TOKENIZER_FILE));
}

function parseText(dir: string, name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${path.join(dir, name)}: not valid JSON (${(err as Error).message})`);
  }
}

/** The tokenizer of a model folder. */
export function loadTokenizer(dir: string): Tokenizer {
  if (!hasTokenizer(dir)) {
    const sentencePiece = fs.existsSync(path.join(dir, 'tokenizer.model'));
    throw new Error(
      `${dir}: no ${TOKENIZER_FILE}` +
        (sentencePiece
          ? ' (only a SentencePiece tokenizer.model: save the tokenizer once with transformers ' +
            '(AutoTokenizer.from_pretrained(dir).save_pretrained(dir)) to write tokenizer.json)'
          : ''),
    );
  }
  const files: Record<string, string> = {};
  for (const name of TOKENIZER_FILES) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) files[name] = fs.readFileSync(file, 'utf8');
  }
  const tokenizer = parseText(dir, TOKENIZER_FILE, files[TOKENIZER_FILE]!);
  const config = files[TOKENIZER_CONFIG_FILE]
    ? parseText(dir, TOKENIZER_CONFIG_FILE, files[TOKENIZER_CONFIG_FILE])
    : {};
  // Older folders keep special tokens only in special_tokens_map.json; tokenizer_config.json wins.
  const map = files[SPECIAL_TOKENS_MAP_FILE]
    ? parseText(dir, SPECIAL_TOKENS_MAP_FILE, files[SPECIAL_TOKENS_MAP_FILE])
    : {};
  let chatTemplate = files[CHAT_TEMPLATE_FILE];
  if (chatTemplate === undefined && files[PROCESSOR_TEMPLATE_FILE]) {
    const t = (parseText(dir, PROCESSOR_TEMPLATE_FILE, files[PROCESSOR_TEMPLATE_FILE]) as { chat_template?: unknown })
      .chat_template;
    if (typeof t !== 'string') {
      throw new Error(`${path.join(dir, PROCESSOR_TEMPLATE_FILE)}: field "chat_template": expected a string`);
    }
    chatTemplate = t;
  }
  return new HfTokenizer({
    tokenizer,
    config: { ...(map as object), ...(config as object) },
    chatTemplate,
    files,
    source: dir,
  });
}

export interface CreateTokenizerOptions {
  /** tokenizer_config.json (special tokens, settings). */
  config?: Record<string, unknown>;
  /** Saved as tokenizer_config.json's `chat_template`, which every transformers since 4.34 reads. */
  chatTemplate?: string;
}

/** A tokenizer built in memory (the built-in models), saved as tokenizer.json and tokenizer_config.json. */
export function createTokenizer(tokenizerJson: object, options: CreateTokenizerOptions = {}): Tokenizer {
  const config = {
    ...options.config,
    ...(options.chatTemplate !== undefined ? { chat_template: options.chatTemplate } : {}),
  };
  const files: Record<string, string> = {
    [TOKENIZER_FILE]: `${JSON.stringify(tokenizerJson, null, 2)}\n`,
    [TOKENIZER_CONFIG_FILE]: sortedJson(config),
  };
  return new HfTokenizer({ tokenizer: tokenizerJson, config, files, source: '(tokenizer in memory)' });
}

/** Writes the tokenizer's files into `dir`, each atomically; returns their names. */
export async function saveTokenizer(dir: string, tokenizer: Tokenizer): Promise<string[]> {
  const files: TokenizerFiles = tokenizer.files();
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeTextFileAtomic(path.join(dir, name), text);
  return Object.keys(files);
}
