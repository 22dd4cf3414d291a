export {
  CHAT_TEMPLATE_FILE,
  type CreateTokenizerOptions,
  createTokenizer,
  hasTokenizer,
  loadTokenizer,
  saveTokenizer,
  TOKENIZER_CONFIG_FILE,
  TOKENIZER_FILE,
} from './files.js';
export { HfTokenizer, type HfTokenizerSpec, type TokenizerConfig, TokenizerConfigSchema } from './hf-tokenizer.js';
export type * from './types.js';
